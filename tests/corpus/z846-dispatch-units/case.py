"""Classify radio dispatch transmissions by message type.

Each transmission comes with the call sign of the unit that keyed the radio.
Units have very different habits (engines report status, medics request
hospitals...), so a learned per-unit embedding is added to the [CLS] vector.
Call signs never seen in training share the "<other>" slot.
"""
import os
import tempfile

import torch
import torch.nn as nn
from transformers import BertConfig, BertModel, BertTokenizer, Trainer, TrainingArguments, set_seed

set_seed(21)
MSG_TYPES = ["status", "resource_request", "patient_report", "location"]

TRAIN_ROWS = [
    {"unit": "Engine 7", "text": "engine seven on scene nothing showing", "type": "status"},
    {"unit": "Engine 7", "text": "engine seven available returning to quarters", "type": "status"},
    {"unit": "Medic 12", "text": "medic twelve requesting trauma center notification", "type": "resource_request"},
    {"unit": "Medic 12", "text": "patient conscious breathing vitals stable", "type": "patient_report"},
    {"unit": "Ladder 3", "text": "ladder three need second alarm and additional ladder", "type": "resource_request"},
    {"unit": "Ladder 3", "text": "ladder three at fifth and main north side", "type": "location"},
    {"unit": "Battalion 1", "text": "battalion one assuming command staging at main", "type": "location"},
    {"unit": "Battalion 1", "text": "battalion one all units hold at staging", "type": "status"},
    {"unit": "Medic 4", "text": "adult male chest pain vitals stable", "type": "patient_report"},
    {"unit": "Medic 4", "text": "medic four transporting to general", "type": "status"},
]
TEST_ROWS = [
    {"unit": "Squad 9", "text": "squad nine on scene at fifth street", "type": "location"},
    {"unit": "Engine 7", "text": "engine seven requesting additional engine", "type": "resource_request"},
    {"unit": "Medic 22", "text": "female patient conscious vitals stable", "type": "patient_report"},
    {"unit": "Rescue 5", "text": "rescue five available returning", "type": "status"},
    {"unit": "Tanker 2", "text": "tanker two staging at main", "type": "location"},
    {"unit": "Medic 12", "text": "medic twelve transporting to trauma center", "type": "status"},
    {"unit": "Hazmat 1", "text": "hazmat one need additional decon unit", "type": "resource_request"},
    {"unit": "Brush 6", "text": "brush six on scene nothing showing", "type": "status"},
]


def write_vocab(rows):
    words = sorted({w for r in rows for w in r["text"].split()})
    path = os.path.join(tempfile.mkdtemp(), "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return path


def build_unit_index(rows):
    units = sorted({r["unit"] for r in rows})
    return {"<other>": 0, **{u: i + 1 for i, u in enumerate(units)}}


def encode_split(rows, tokenizer, unit_index):
    out = []
    for r in rows:
        enc = tokenizer(r["text"], truncation=True, max_length=24)
        out.append({**enc, "unit_ids": unit_index.get(r["unit"], 0), "labels": MSG_TYPES.index(r["type"])})
    return out


class DispatchClassifier(nn.Module):
    def __init__(self, vocab_size, n_units, n_types):
        super().__init__()
        cfg = BertConfig(vocab_size=vocab_size, hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                         intermediate_size=64, max_position_embeddings=32)
        self.bert = BertModel(cfg)
        self.unit_emb = nn.Embedding(n_units, cfg.hidden_size)
        self.out = nn.Linear(cfg.hidden_size, n_types)

    def forward(self, input_ids, attention_mask, token_type_ids=None, unit_ids=None, labels=None):
        h = self.bert(input_ids=input_ids, attention_mask=attention_mask,
                      token_type_ids=token_type_ids).last_hidden_state[:, 0]
        logits = self.out(torch.tanh(h + self.unit_emb(unit_ids)))
        loss = nn.functional.cross_entropy(logits, labels) if labels is not None else None
        return {"loss": loss, "logits": logits}


def make_collate(tokenizer):
    def collate(features):
        text_part = [{k: f[k] for k in ("input_ids", "attention_mask", "token_type_ids")} for f in features]
        batch = tokenizer.pad(text_part, return_tensors="pt")
        batch["unit_ids"] = torch.tensor([f["unit_ids"] for f in features])
        batch["labels"] = torch.tensor([f["labels"] for f in features])
        return batch
    return collate


def accuracy(eval_pred):
    logits, gold = eval_pred
    return {"accuracy": float((logits.argmax(-1) == gold).mean())}


tokenizer = BertTokenizer(write_vocab(TRAIN_ROWS + TEST_ROWS))
unit_index = build_unit_index(TRAIN_ROWS)
print(f"{len(unit_index) - 1} known units:", ", ".join(list(unit_index)[1:]))

train_ds = encode_split(TRAIN_ROWS, tokenizer, unit_index)
test_ds = encode_split(TEST_ROWS, tokenizer, build_unit_index(TEST_ROWS))

model = DispatchClassifier(tokenizer.vocab_size, len(unit_index), len(MSG_TYPES))
args = TrainingArguments(
    output_dir=tempfile.mkdtemp(), num_train_epochs=8, per_device_train_batch_size=4,
    per_device_eval_batch_size=4, learning_rate=3e-3, logging_steps=5, save_strategy="no",
    disable_tqdm=True, report_to=[], use_cpu=True,
)
trainer = Trainer(model=model, args=args, train_dataset=train_ds, eval_dataset=test_ds,
                  data_collator=make_collate(tokenizer), compute_metrics=accuracy)
trainer.train()

metrics = trainer.evaluate()
print(f"held-out shift accuracy: {metrics['eval_accuracy']:.3f}")
