import random
import re
from collections import Counter
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, Dataset


@dataclass
class ScoringConfig:
    prompt_id: int = 1
    min_score: int = 0
    max_score: int = 5
    vocab_min_freq: int = 2
    max_essay_tokens: int = 300
    embed_dim: int = 48
    hidden_dim: int = 64
    batch_size: int = 16
    epochs: int = 2
    lr: float = 2e-3
    seed: int = 7

    @property
    def num_classes(self):
        return self.max_score - self.min_score + 1


WORD_BANK = {
    "weak": ["i", "think", "it", "good", "because", "yes", "thing", "stuff", "like", "very"],
    "mid": ["computers", "help", "people", "learn", "however", "some", "spend", "too", "much", "time"],
    "strong": ["consequently", "evidence", "suggests", "technology", "fosters", "collaboration",
               "moreover", "critics", "argue", "isolation", "nevertheless", "balance"],
}


def synth_essays(n, seed):
    rng = random.Random(seed)
    essays, scores = [], []
    for _ in range(n):
        score = rng.randint(1, 6)
        n_words = 40 + score * 25 + rng.randint(-15, 15)
        pool = WORD_BANK["weak"] * (7 - score) + WORD_BANK["mid"] * 3 + WORD_BANK["strong"] * score
        words = [rng.choice(pool) for _ in range(n_words)]
        essays.append(" ".join(words) + ".")
        scores.append(score)
    return essays, scores


def tokenize(text):
    return re.findall(r"[a-z']+", text.lower())


class Vocab:
    def __init__(self, texts, min_freq):
        counts = Counter(tok for t in texts for tok in tokenize(t))
        self.itos = ["<pad>", "<unk>"] + sorted(w for w, c in counts.items() if c >= min_freq)
        self.stoi = {w: i for i, w in enumerate(self.itos)}

    def encode(self, text, max_len):
        return [self.stoi.get(t, 1) for t in tokenize(text)][:max_len]

    def __len__(self):
        return len(self.itos)


class EssayDataset(Dataset):
    def __init__(self, essays, scores, vocab, cfg):
        self.items = []
        for text, score in zip(essays, scores):
            ids = vocab.encode(text, cfg.max_essay_tokens)
            n_tok = len(tokenize(text))
            feats = [np.log1p(n_tok), len(set(tokenize(text))) / max(n_tok, 1)]
            label = score - cfg.min_score
            self.items.append((ids, feats, label))

    def __len__(self):
        return len(self.items)

    def __getitem__(self, idx):
        return self.items[idx]


def collate_bag(batch):
    flat, offsets, feats, labels = [], [], [], []
    for ids, f, y in batch:
        offsets.append(len(flat))
        flat.extend(ids)
        feats.append(f)
        labels.append(y)
    return (torch.tensor(flat, dtype=torch.long),
            torch.tensor(offsets, dtype=torch.long),
            torch.tensor(feats, dtype=torch.float),
            torch.tensor(labels, dtype=torch.long))


class HolisticScorer(nn.Module):
    def __init__(self, vocab_size, cfg):
        super().__init__()
        self.bag = nn.EmbeddingBag(vocab_size, cfg.embed_dim, mode="mean", padding_idx=0)
        self.mlp = nn.Sequential(
            nn.Linear(cfg.embed_dim + 2, cfg.hidden_dim),
            nn.ReLU(),
            nn.Dropout(0.1),
            nn.Linear(cfg.hidden_dim, cfg.num_classes),
        )

    def forward(self, flat_ids, offsets, feats):
        pooled = self.bag(flat_ids, offsets)
        return self.mlp(torch.cat([pooled, feats], dim=-1))


def quadratic_kappa(y_true, y_pred, k):
    O = np.zeros((k, k))
    for a, b in zip(y_true, y_pred):
        O[a, b] += 1
    w = np.array([[(i - j) ** 2 for j in range(k)] for i in range(k)]) / (k - 1) ** 2
    E = np.outer(O.sum(1), O.sum(0)) / max(O.sum(), 1)
    return 1.0 - (w * O).sum() / max((w * E).sum(), 1e-9)


def run(cfg):
    torch.manual_seed(cfg.seed)
    essays, scores = synth_essays(240, cfg.seed)
    split = int(0.8 * len(essays))
    vocab = Vocab(essays[:split], cfg.vocab_min_freq)
    train_ds = EssayDataset(essays[:split], scores[:split], vocab, cfg)
    val_ds = EssayDataset(essays[split:], scores[split:], vocab, cfg)
    train_dl = DataLoader(train_ds, batch_size=cfg.batch_size, shuffle=True, collate_fn=collate_bag)
    val_dl = DataLoader(val_ds, batch_size=cfg.batch_size, collate_fn=collate_bag)

    model = HolisticScorer(len(vocab), cfg)
    opt = torch.optim.AdamW(model.parameters(), lr=cfg.lr)
    loss_fn = nn.CrossEntropyLoss()

    for epoch in range(cfg.epochs):
        model.train()
        total = 0.0
        for flat, offsets, feats, labels in train_dl:
            logits = model(flat, offsets, feats)
            loss = loss_fn(logits, labels)
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item() * labels.size(0)

        model.eval()
        gold, pred = [], []
        with torch.no_grad():
            for flat, offsets, feats, labels in val_dl:
                pred.extend(model(flat, offsets, feats).argmax(-1).tolist())
                gold.extend(labels.tolist())
        qwk = quadratic_kappa(gold, pred, cfg.num_classes)
        print(f"prompt {cfg.prompt_id} epoch {epoch}: train_loss={total / len(train_ds):.4f} val_qwk={qwk:.3f}")


if __name__ == "__main__":
    run(ScoringConfig())
