"""Gearbox-fault detection from wind turbine service reports (HF Trainer).

Reports are long, so to keep training cheap we sample fixed-size windows every
SAMPLE_EVERY tokens (windows do not overlap; the text in between is skipped). Each
window also gets a learned embedding of where it sits in the report.
"""
import math
import os
import tempfile
from dataclasses import dataclass

import torch
import torch.nn as nn
from transformers import BertConfig, BertModel, BertTokenizer, Trainer, TrainingArguments

torch.manual_seed(5)

WINDOW = 16
SAMPLE_EVERY = 24

REPORTS = [
    ("turbine t07 annual service completed blades inspected from rope access leading edge erosion "
     "minor on blade b no repair needed yaw brake pads measured within limits gearbox oil sample "
     "taken oil dark with metallic sheen particle counter alarm on high speed shaft bearing "
     "vibration trend rising over six weeks endoscope inspection showed pitting on the intermediate "
     "stage gear teeth recommend gearbox exchange before winter and reduce rated power until then "
     "converter cabinet filters replaced tower bolts torqued all safety equipment checked", 1),
    ("turbine t12 routine six month visit pitch batteries tested and passed hub greased main "
     "bearing grease purged and refilled gearbox oil level normal oil sample clear no particles "
     "vibration levels flat across all sensors anemometer heater replaced lift inspected and "
     "certified nacelle cleaned fire extinguishers in date generator slip rings brushes at fifty "
     "percent wear will change next visit turbine returned to service at full rated power", 0),
    ("turbine t03 unscheduled visit after repeated high temperature alarms on the gearbox oil "
     "cooler fan found seized replaced fan motor oil temperature back to normal however oil "
     "analysis shows water content above limit and iron particles increasing planet carrier "
     "bearing noise audible at low speed borescope confirms spalling on planet bearing outer race "
     "turbine derated pending crane mobilisation for gearbox replacement next month logged", 1),
    ("turbine t19 inspection after storm no structural damage found blade tips checked lightning "
     "receptors tested continuity good nacelle roof hatch seal renewed yaw gear teeth greased "
     "gearbox oil sample clean vibration normal converter fault log reviewed one grid trip only "
     "tower ladder and fall arrest checked anchor points tested turbine released to operator", 0),
]


def write_vocab(texts):
    words = sorted({w for t in texts for w in t.split()})
    path = os.path.join(tempfile.mkdtemp(), "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return path


def sample_windows(token_ids):
    for start in range(0, len(token_ids), SAMPLE_EVERY):
        yield start, token_ids[start:start + WINDOW]


def build_examples(tok, reports):
    examples, owners = [], []
    for r, (text, label) in enumerate(reports):
        ids = tok.convert_tokens_to_ids(tok.tokenize(text))
        for start, piece in sample_windows(ids):
            examples.append({
                "input_ids": [tok.cls_token_id] + piece + [tok.sep_token_id],
                "window_no": start // WINDOW,
                "labels": label,
            })
            owners.append(r)
    return examples, owners


@dataclass
class WindowCollator:
    pad_id: int

    def __call__(self, feats):
        width = max(len(f["input_ids"]) for f in feats)
        ids = torch.full((len(feats), width), self.pad_id)
        for i, f in enumerate(feats):
            ids[i, : len(f["input_ids"])] = torch.tensor(f["input_ids"])
        return {
            "input_ids": ids,
            "attention_mask": (ids != self.pad_id).long(),
            "window_no": torch.tensor([f["window_no"] for f in feats]),
            "labels": torch.tensor([f["labels"] for f in feats]),
        }


class WindowedReportClassifier(nn.Module):
    def __init__(self, cfg, max_windows):
        super().__init__()
        self.encoder = BertModel(cfg, add_pooling_layer=False)
        self.window_pos = nn.Embedding(max_windows, cfg.hidden_size)
        self.head = nn.Linear(cfg.hidden_size, 2)

    def forward(self, input_ids, attention_mask, window_no, labels=None):
        cls = self.encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state[:, 0]
        logits = self.head(torch.tanh(cls + self.window_pos(window_no)))
        out = {"logits": logits}
        if labels is not None:
            out["loss"] = nn.functional.cross_entropy(logits, labels)
        return out


def main():
    tok = BertTokenizer(write_vocab([t for t, _ in REPORTS]))
    examples, owners = build_examples(tok, REPORTS)
    longest = max(len(tok.tokenize(t)) for t, _ in REPORTS)
    max_windows = math.ceil(longest / SAMPLE_EVERY)
    print(f"{len(REPORTS)} reports, longest {longest} tokens -> {len(examples)} windows, table {max_windows}")

    cfg = BertConfig(vocab_size=tok.vocab_size, hidden_size=32, num_hidden_layers=1,
                     num_attention_heads=2, intermediate_size=64, max_position_embeddings=32)
    model = WindowedReportClassifier(cfg, max_windows)
    args = TrainingArguments(output_dir=tempfile.mkdtemp(), num_train_epochs=2,
                             per_device_train_batch_size=4, learning_rate=1e-3, use_cpu=True,
                             save_strategy="no", logging_steps=2, disable_tqdm=True, report_to=[])
    trainer = Trainer(model=model, args=args, train_dataset=examples,
                      data_collator=WindowCollator(tok.pad_token_id))
    trainer.train()

    logits = trainer.predict(examples).predictions
    probs = torch.tensor(logits).softmax(-1)[:, 1]
    owner_t = torch.tensor(owners)
    for r, (text, label) in enumerate(REPORTS):
        score = probs[owner_t == r].max().item()
        print(f"{text.split()[1]}: gearbox fault p={score:.2f} (gold {label})")


if __name__ == "__main__":
    main()
