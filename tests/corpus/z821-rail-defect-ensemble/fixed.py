"""Rail maintenance defect triage: blend a network-wide classifier with a track specialist.

The general model knows every defect family; the track model was trained only on
track-bed reports. At inference time the specialist's opinion is averaged into the
general model's distribution for the families they share.
"""
import os
import re
import tempfile

import numpy as np
import torch
from torch.utils.data import Dataset
from transformers import (BertConfig, BertForSequenceClassification, BertTokenizer,
                          DataCollatorWithPadding, Trainer, TrainingArguments)

torch.manual_seed(7)
np.random.seed(7)

GENERAL_LABELS = ["signalling", "overhead_line", "rail_break", "ballast", "sleeper", "drainage"]
TRACK_LABELS = ["sleeper", "rail_break", "drainage", "ballast"]

TRAIN_GENERAL = [
    ("signal aspect stuck at red after storm", "signalling"),
    ("catenary wire sagging near km 14", "overhead_line"),
    ("transverse crack in rail head at weld", "rail_break"),
    ("ballast shoulder washed out on curve", "ballast"),
    ("concrete sleeper split under rail seat", "sleeper"),
    ("culvert blocked water pooling beside track", "drainage"),
    ("axle counter fault reported by signaller", "signalling"),
    ("dropper broken on overhead contact wire", "overhead_line"),
]
TRAIN_TRACK = [
    ("timber sleeper rotten at joint", "sleeper"),
    ("broken rail found by ultrasonic test", "rail_break"),
    ("cess drain silted standing water", "drainage"),
    ("ballast fouled with mud pumping", "ballast"),
    ("sleeper clips missing on two sleepers", "sleeper"),
    ("rail head crack spreading from bolt hole", "rail_break"),
]
INCOMING = [
    "mud pumping through ballast after heavy rain",
    "crack at weld near level crossing",
    "signal lamp failed at junction",
    "water standing in cess beside sleepers",
    "contact wire worn thin at overlap",
]


def make_tokenizer(texts):
    words = sorted({w for t in texts for w in re.findall(r"[a-z0-9]+", t.lower())})
    path = os.path.join(tempfile.mkdtemp(prefix="rail_"), "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return BertTokenizer(path)


class Reports(Dataset):
    def __init__(self, tok, texts, label_ids=None):
        self.rows = [tok(t, truncation=True, max_length=32) for t in texts]
        self.label_ids = label_ids

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, i):
        row = dict(self.rows[i])
        if self.label_ids is not None:
            row["labels"] = self.label_ids[i]
        return row


def fit(tok, names, pairs, tag):
    label2id = {n: i for i, n in enumerate(names)}
    cfg = BertConfig(vocab_size=tok.vocab_size, hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                     intermediate_size=64, max_position_embeddings=64, num_labels=len(names),
                     id2label=dict(enumerate(names)), label2id=label2id)
    args = TrainingArguments(output_dir=tempfile.mkdtemp(prefix=f"{tag}_"), per_device_train_batch_size=4,
                             per_device_eval_batch_size=8, max_steps=6, learning_rate=5e-3,
                             report_to=[], use_cpu=True, save_strategy="no", logging_steps=3)
    train = Reports(tok, [t for t, _ in pairs], [label2id[l] for _, l in pairs])
    trainer = Trainer(model=BertForSequenceClassification(cfg), args=args, train_dataset=train,
                      data_collator=DataCollatorWithPadding(tok))
    trainer.train()
    return trainer


def main():
    tok = make_tokenizer([t for t, _ in TRAIN_GENERAL + TRAIN_TRACK] + INCOMING)
    general = fit(tok, GENERAL_LABELS, TRAIN_GENERAL, "general")
    track = fit(tok, TRACK_LABELS, TRAIN_TRACK, "track")

    incoming = Reports(tok, INCOMING)
    p_general = torch.from_numpy(general.predict(incoming).predictions).softmax(-1)
    p_track = torch.from_numpy(track.predict(incoming).predictions).softmax(-1)
    print("general probs", tuple(p_general.shape), "track probs", tuple(p_track.shape))

    g_label2id = general.model.config.label2id
    shared = [name for name in GENERAL_LABELS if name in TRACK_LABELS]
    cols_general = [g_label2id[name] for name in shared]
    cols_track = [track.model.config.label2id[name] for name in shared]

    blended = p_general.clone()
    blended[:, cols_general] = 0.5 * (p_general[:, cols_general] + p_track[:, cols_track])
    blended = blended / blended.sum(-1, keepdim=True)

    id2label = general.model.config.id2label
    for text, row in zip(INCOMING, blended):
        k = int(row.argmax())
        print(f"{id2label[k]:>14s} {row[k]:.2f}  {text}")


if __name__ == "__main__":
    main()
