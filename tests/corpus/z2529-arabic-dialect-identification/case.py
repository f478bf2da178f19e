import random
from collections import Counter

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, Dataset

SEED = 13
random.seed(SEED)
np.random.seed(SEED)
torch.manual_seed(SEED)

DIALECTS = ["EGY", "LEV", "GLF", "MAG", "MSA"]
MARKERS = {
    "EGY": ["ezzay", "dilwa2ti", "3ayez", "keda", "mish", "bta3"],
    "LEV": ["shu", "halla2", "baddi", "hek", "mish", "taba3"],
    "GLF": ["shlon", "alhin", "abi", "chidhi", "mub", "hagg"],
    "MAG": ["kifash", "daba", "bghit", "hakka", "mashi", "dyal"],
    "MSA": ["kayfa", "al2an", "uridu", "hakatha", "laysa", "li"],
}
SHARED = ["bayt", "kitab", "madrasa", "sayyara", "sadiq", "yawm", "shughl",
          "suq", "akl", "maya", "walad", "bint", "madina", "tariq"]
CLITICS = ["w", "al", "b", "li", "fa"]


def synth_sentence(dialect):
    n = random.randint(4, 14)
    words = []
    for _ in range(n):
        if random.random() < 0.35:
            w = random.choice(MARKERS[dialect])
        else:
            w = random.choice(SHARED)
        if random.random() < 0.3:
            w = random.choice(CLITICS) + "+" + w
        words.append(w)
    return " ".join(words)


def segment(sentence):
    """Split proclitics off, MADAMIRA-style: 'w+al+bayt' -> ['w+', 'al+', 'bayt']."""
    out = []
    for word in sentence.split():
        *procs, stem = word.split("+")
        out.extend(p + "+" for p in procs)
        out.append(stem)
    return out


def build_vocab(sentences, min_freq=1):
    counts = Counter(tok for s in sentences for tok in segment(s))
    itos = ["<pad>", "<unk>"] + sorted(t for t, c in counts.items() if c >= min_freq)
    return {t: i for i, t in enumerate(itos)}


class DialectCorpus(Dataset):
    def __init__(self, rows, vocab):
        self.vocab = vocab
        self.rows = sorted(rows, key=lambda r: len(r[0].split()))
        self.lengths = [len(text.split()) for text, _ in self.rows]

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, idx):
        text, dialect = self.rows[idx]
        ids = [self.vocab.get(t, 1) for t in segment(text)]
        return {"ids": ids, "length": self.lengths[idx], "label": DIALECTS.index(dialect)}


def collate(batch):
    lengths = torch.tensor([b["length"] for b in batch])
    width = max(len(b["ids"]) for b in batch)
    ids = torch.zeros(len(batch), width, dtype=torch.long)
    for i, b in enumerate(batch):
        ids[i, : len(b["ids"])] = torch.tensor(b["ids"])
    pad_mask = torch.arange(int(lengths.max()))[None, :] >= lengths[:, None]
    labels = torch.tensor([b["label"] for b in batch])
    return ids, pad_mask, labels


class DialectID(nn.Module):
    def __init__(self, vocab_size, n_classes, d=64, heads=4, layers=2, max_len=64):
        super().__init__()
        self.tok = nn.Embedding(vocab_size, d, padding_idx=0)
        self.pos = nn.Embedding(max_len, d)
        layer = nn.TransformerEncoderLayer(d, heads, dim_feedforward=2 * d, batch_first=True)
        self.enc = nn.TransformerEncoder(layer, layers, enable_nested_tensor=False)
        self.head = nn.Linear(d, n_classes)

    def forward(self, ids, pad_mask):
        pos = torch.arange(ids.size(1), device=ids.device)
        h = self.enc(self.tok(ids) + self.pos(pos), src_key_padding_mask=pad_mask)
        keep = (~pad_mask).unsqueeze(-1).float()
        pooled = (h * keep).sum(1) / keep.sum(1).clamp(min=1.0)
        return self.head(pooled)


def run_epoch(model, loader, opt=None):
    training = opt is not None
    model.train(training)
    correct = total = 0
    loss_sum = 0.0
    for ids, pad_mask, labels in loader:
        with torch.set_grad_enabled(training):
            logits = model(ids, pad_mask)
            loss = F.cross_entropy(logits, labels)
        if training:
            opt.zero_grad()
            loss.backward()
            opt.step()
        loss_sum += loss.item() * len(labels)
        correct += (logits.argmax(-1) == labels).sum().item()
        total += len(labels)
    return loss_sum / total, correct / total


rows = [(synth_sentence(d), d) for d in DIALECTS for _ in range(100)]
random.shuffle(rows)
cut = int(len(rows) * 0.85)
train_rows, dev_rows = rows[:cut], rows[cut:]

vocab = build_vocab([t for t, _ in train_rows])
train_dl = DataLoader(DialectCorpus(train_rows, vocab), batch_size=32, shuffle=True, collate_fn=collate)
dev_dl = DataLoader(DialectCorpus(dev_rows, vocab), batch_size=64, collate_fn=collate)

model = DialectID(len(vocab), len(DIALECTS))
opt = torch.optim.Adam(model.parameters(), lr=1e-3)

for epoch in range(3):
    tr_loss, tr_acc = run_epoch(model, train_dl, opt)
    dv_loss, dv_acc = run_epoch(model, dev_dl)
    print(f"epoch {epoch}  train {tr_loss:.3f}/{tr_acc:.2%}  dev {dv_loss:.3f}/{dv_acc:.2%}")
