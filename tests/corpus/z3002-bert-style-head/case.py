import os
import random
from collections import Counter
from dataclasses import dataclass
from typing import List, Tuple

import numpy as np
import torch
import torch.nn as nn
from transformers import BertConfig, BertModel, BertTokenizer

random.seed(3)
np.random.seed(3)
torch.manual_seed(3)

HERE = os.path.dirname(os.path.abspath(__file__))
VOCAB_PATH = os.path.join(HERE, "event_vocab.txt")

STYLES = ["chorale", "waltz", "march", "nocturne"]
DURATIONS = [1, 2, 3, 4, 6, 8]        # in eighth notes
N_HANDCRAFTED = 12
MAX_LEN = 96

Note = Tuple[int, int, int]           # (pitch, start, duration)


@dataclass
class Example:
    notes: List[Note]
    style: int


def write_vocab(path):
    tokens = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    tokens += [f"p{p}" for p in range(21, 109)]
    tokens += [f"d{d}" for d in DURATIONS]
    tokens += [f"r{d}" for d in DURATIONS]
    with open(path, "w") as fh:
        fh.write("\n".join(tokens) + "\n")
    return len(tokens)


def synth_piece(style):
    meter = {"chorale": 4, "waltz": 3, "march": 2, "nocturne": 6}[STYLES[style]]
    root = random.choice([57, 60, 62, 64, 67])
    t, notes = 0, []
    while len(notes) < random.randint(20, 40):
        dur = random.choice([d for d in DURATIONS if d <= 2 * meter])
        pitch = root + random.choice([0, 2, 4, 5, 7, 9, 11, 12, -5])
        notes.append((pitch, t, dur))
        t += dur + (random.choice(DURATIONS[:2]) if random.random() < 0.15 else 0)
    return notes


def to_text(notes):
    words, clock = [], 0
    for pitch, start, dur in notes:
        if start > clock:
            words.append(f"r{min(DURATIONS, key=lambda d: abs(d - (start - clock)))}")
        words += [f"p{pitch}", f"d{dur}"]
        clock = start + dur
    return " ".join(words)


def piece_features(notes):
    chroma = np.zeros(12, dtype=np.float32)
    for pitch, _, dur in notes:
        chroma[pitch % 12] += dur
    chroma /= chroma.sum()
    span = notes[-1][1] + notes[-1][2]
    durs = np.array([n[2] for n in notes], dtype=np.float32)
    pitches = np.array([n[0] for n in notes], dtype=np.float32)
    rhythm = np.array([durs.mean() / 8.0, len(notes) / span, (pitches.max() - pitches.min()) / 24.0],
                      dtype=np.float32)
    return torch.from_numpy(np.concatenate([chroma, rhythm]))


class StyleClassifier(nn.Module):
    def __init__(self, config, n_styles):
        super().__init__()
        self.encoder = BertModel(config)
        self.head = nn.Sequential(
            nn.Linear(config.hidden_size + N_HANDCRAFTED, 32),
            nn.GELU(),
            nn.Dropout(0.1),
            nn.Linear(32, n_styles),
        )

    def forward(self, input_ids, attention_mask, feats):
        pooled = self.encoder(input_ids=input_ids, attention_mask=attention_mask).pooler_output
        return self.head(torch.cat([pooled, feats], dim=-1))


def batches(examples, tokenizer, size):
    for i in range(0, len(examples), size):
        chunk = examples[i:i + size]
        enc = tokenizer([to_text(e.notes) for e in chunk], padding=True, truncation=True,
                        max_length=MAX_LEN, return_tensors="pt")
        yield {
            "input_ids": enc["input_ids"],
            "attention_mask": enc["attention_mask"],
            "feats": torch.stack([piece_features(e.notes) for e in chunk]),
            "labels": torch.tensor([e.style for e in chunk]),
        }


def main():
    vocab_size = write_vocab(VOCAB_PATH)
    tokenizer = BertTokenizer(VOCAB_PATH)
    config = BertConfig(vocab_size=vocab_size, hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                        intermediate_size=64, max_position_embeddings=MAX_LEN)
    data = [Example(synth_piece(s), s) for s in range(len(STYLES)) for _ in range(12)]
    random.shuffle(data)
    train, dev = data[:36], data[36:]

    model = StyleClassifier(config, len(STYLES))
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = nn.CrossEntropyLoss()
    for epoch in range(3):
        model.train()
        for b in batches(train, tokenizer, 6):
            logits = model(b["input_ids"], b["attention_mask"], b["feats"])
            loss = loss_fn(logits, b["labels"])
            opt.zero_grad()
            loss.backward()
            opt.step()
        model.eval()
        hits = 0
        with torch.no_grad():
            for b in batches(dev, tokenizer, 6):
                pred = model(b["input_ids"], b["attention_mask"], b["feats"]).argmax(-1)
                hits += (pred == b["labels"]).sum().item()
        print(f"epoch {epoch}: loss {loss.item():.3f}  dev acc {hits / len(dev):.2f}")
    print(Counter(STYLES[e.style] for e in dev))


if __name__ == "__main__":
    main()
