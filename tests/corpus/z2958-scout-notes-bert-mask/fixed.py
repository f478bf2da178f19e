import configparser
import os
import random

import numpy as np
import torch
import torch.nn as nn
from torch.nn.utils.rnn import pad_sequence
from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel, BertTokenizer

CONFIG_TEXT = """
[notes]
max_note_tokens = 40
vocab_file = scout_vocab.txt

[encoder]
hidden = 32
layers = 1
heads = 2
ffn = 64

[run]
batch_size = 6
epochs = 2
lr = 5e-4
seed = 21
"""

AGRO_WORDS = (
    "aphids mites thrips rust blight mildew leaf leaves lower upper canopy yellowing curling "
    "spots lesions heavy light moderate pressure scattered patches edge north south east west "
    "rows field after rain irrigation dry wet soil crusting stand uneven good poor emergence "
    "no signs seen observed on in near the of and with some many few plants trap count high low"
).split()


def write_vocab(path):
    tokens = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + AGRO_WORDS
    with open(path, "w") as fh:
        fh.write("\n".join(tokens) + "\n")
    return len(tokens)


def make_scout_notes(n, rng):
    pests = ["aphids", "mites", "thrips", "rust", "blight", "mildew"]
    levels = ["light", "moderate", "heavy"]
    where = ["lower leaves", "upper canopy", "field edge", "north rows", "south rows"]
    notes, labels = [], []
    for _ in range(n):
        if rng.random() < 0.35:
            notes.append(rng.choice(["no signs seen", "good stand no signs", "stand uneven after rain"]))
            labels.append(0)
            continue
        lvl = rng.choice(levels)
        txt = f"{lvl} {rng.choice(pests)} on {rng.choice(where)}"
        if rng.random() < 0.5:
            txt += f" with {rng.choice(['yellowing', 'curling', 'spots', 'lesions'])} after {rng.choice(['rain', 'irrigation'])}"
        notes.append(txt)
        labels.append(2 if lvl == "heavy" else 1)
    return notes, labels


SENSOR_FEATURES = {
    "leaf_wetness_hours": lambda v: v / 24.0,
    "mean_rh": lambda v: (v - 65.0) / 15.0,
    "degree_days": lambda v: np.log1p(v) / 5.0,
}


def sensor_summary(rng):
    raw = {"leaf_wetness_hours": rng.uniform(0, 20), "mean_rh": rng.uniform(40, 95),
           "degree_days": rng.uniform(50, 600)}
    return [fn(raw[k]) for k, fn in SENSOR_FEATURES.items()]


class ScoutNoteClassifier(nn.Module):
    def __init__(self, bert_cfg, n_sensor, n_classes=3):
        super().__init__()
        self.bert = BertModel(bert_cfg, add_pooling_layer=False)
        self.sensor = nn.Sequential(nn.Linear(n_sensor, 16), nn.ReLU())
        self.cls = nn.Linear(bert_cfg.hidden_size + 16, n_classes)

    def forward(self, input_ids, attention_mask, sensors):
        hidden = self.bert(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
        return self.cls(torch.cat([hidden[:, 0], self.sensor(sensors)], dim=-1))


def main():
    cp = configparser.ConfigParser()
    cp.read_string(CONFIG_TEXT)
    seed = cp.getint("run", "seed")
    random.seed(seed)
    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    MAX_NOTE_TOKENS = cp.getint("notes", "max_note_tokens")

    here = os.path.dirname(os.path.abspath(__file__))
    vocab_path = os.path.join(here, cp.get("notes", "vocab_file"))
    vocab_size = write_vocab(vocab_path)
    tok = BertTokenizer(vocab_path)

    py_rng = random.Random(seed)
    notes, labels = make_scout_notes(48, py_rng)
    records = [
        {"ids": torch.tensor(tok.encode(n, truncation=True, max_length=MAX_NOTE_TOKENS)),
         "sensors": torch.tensor(sensor_summary(rng), dtype=torch.float32),
         "label": lab}
        for n, lab in zip(notes, labels)
    ]

    def collate(batch):
        ids = pad_sequence([r["ids"] for r in batch], batch_first=True,
                           padding_value=tok.pad_token_id)
        mask = torch.zeros_like(ids)
        for row, r in enumerate(batch):
            mask[row, :len(r["ids"])] = 1
        return {"input_ids": ids, "attention_mask": mask,
                "sensors": torch.stack([r["sensors"] for r in batch]),
                "labels": torch.tensor([r["label"] for r in batch])}

    bert_cfg = BertConfig(vocab_size=vocab_size, hidden_size=cp.getint("encoder", "hidden"),
                          num_hidden_layers=cp.getint("encoder", "layers"),
                          num_attention_heads=cp.getint("encoder", "heads"),
                          intermediate_size=cp.getint("encoder", "ffn"),
                          max_position_embeddings=64)
    model = ScoutNoteClassifier(bert_cfg, len(SENSOR_FEATURES))
    loader = DataLoader(records, batch_size=cp.getint("run", "batch_size"),
                        shuffle=True, collate_fn=collate)
    opt = torch.optim.AdamW(model.parameters(), lr=cp.getfloat("run", "lr"))
    loss_fn = nn.CrossEntropyLoss()

    for epoch in range(cp.getint("run", "epochs")):
        model.train()
        epoch_loss = 0.0
        for batch in loader:
            logits = model(batch["input_ids"], batch["attention_mask"], batch["sensors"])
            loss = loss_fn(logits, batch["labels"])
            opt.zero_grad()
            loss.backward()
            opt.step()
            epoch_loss += loss.item()
        print(f"epoch {epoch}: loss={epoch_loss / len(loader):.4f}")


if __name__ == "__main__":
    main()
