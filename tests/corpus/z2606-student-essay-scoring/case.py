"""Automated essay scoring: regress holistic rubric scores (1-6) from essay text with a small BERT."""
import os
import random
from dataclasses import dataclass, field

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel, BertTokenizer

HERE = os.path.dirname(os.path.abspath(__file__))


@dataclass
class AESConfig:
    vocab_path: str = os.path.join(HERE, "essay_vocab.txt")
    max_positions: int = 256
    tokenizer_max_length: int = 512
    hidden_size: int = 32
    layers: int = 1
    heads: int = 2
    batch_size: int = 8
    lr: float = 5e-4
    epochs: int = 1
    score_range: tuple = (1, 6)
    prompts: list = field(default_factory=lambda: ["school uniforms", "online learning", "homework policy"])
    seed: int = 7


FILLER = ("i think that students should because it is important for the future "
          "in my opinion many people believe however there are also reasons against this "
          "for example when my teacher said we had to learn more about it we understood "
          "furthermore the evidence shows that this helps and in conclusion we agree").split()


def write_vocab(cfg):
    words = sorted(set(FILLER) | {w for p in cfg.prompts for w in p.split()})
    special = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    with open(cfg.vocab_path, "w") as f:
        f.write("\n".join(special + words) + "\n")


def synth_essays(cfg, n):
    rng = random.Random(cfg.seed)
    lo, hi = cfg.score_range
    essays = []
    for _ in range(n):
        score = rng.randint(lo, hi)
        prompt = rng.choice(cfg.prompts)
        n_words = rng.randint(60, 90) * score
        body = " ".join(rng.choice(FILLER) for _ in range(n_words))
        essays.append({"text": f"{prompt} . {body}", "score": float(score), "prompt": prompt})
    return essays


class EssayScorer(nn.Module):
    def __init__(self, cfg, vocab_size):
        super().__init__()
        bert_cfg = BertConfig(
            vocab_size=vocab_size,
            hidden_size=cfg.hidden_size,
            num_hidden_layers=cfg.layers,
            num_attention_heads=cfg.heads,
            intermediate_size=cfg.hidden_size * 2,
            max_position_embeddings=cfg.max_positions,
        )
        self.encoder = BertModel(bert_cfg)
        self.regressor = nn.Sequential(nn.Dropout(0.1), nn.Linear(cfg.hidden_size, 1))

    def forward(self, input_ids, attention_mask, token_type_ids=None):
        out = self.encoder(input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids)
        cls = out.last_hidden_state[:, 0]
        return self.regressor(cls).squeeze(-1)


def make_collate(tokenizer, cfg):
    lo, hi = cfg.score_range

    def collate(batch):
        enc = tokenizer(
            [ex["text"] for ex in batch],
            padding="longest",
            truncation=True,
            max_length=cfg.tokenizer_max_length,
            return_tensors="pt",
        )
        scores = torch.tensor([ex["score"] for ex in batch])
        enc["labels"] = (scores - lo) / (hi - lo)
        return enc

    return collate


def quadratic_weighted_kappa(y_true, y_pred, lo, hi):
    n = hi - lo + 1
    O = np.zeros((n, n))
    for a, b in zip(y_true, y_pred):
        O[int(a) - lo, int(b) - lo] += 1
    W = np.array([[(i - j) ** 2 / (n - 1) ** 2 for j in range(n)] for i in range(n)])
    E = np.outer(O.sum(1), O.sum(0)) / O.sum()
    return 1.0 - (W * O).sum() / max((W * E).sum(), 1e-9)


def run(cfg):
    torch.manual_seed(cfg.seed)
    write_vocab(cfg)
    tokenizer = BertTokenizer(cfg.vocab_path)
    essays = synth_essays(cfg, 40)
    train, dev = essays[:32], essays[32:]
    collate = make_collate(tokenizer, cfg)
    train_dl = DataLoader(train, batch_size=cfg.batch_size, shuffle=True, collate_fn=collate)
    dev_dl = DataLoader(dev, batch_size=cfg.batch_size, collate_fn=collate)

    model = EssayScorer(cfg, tokenizer.vocab_size)
    opt = torch.optim.AdamW(model.parameters(), lr=cfg.lr)
    mse = nn.MSELoss()
    lo, hi = cfg.score_range

    for epoch in range(cfg.epochs):
        model.train()
        for batch in train_dl:
            labels = batch.pop("labels")
            pred = model(**batch)
            loss = mse(pred, labels)
            opt.zero_grad()
            loss.backward()
            opt.step()
        model.eval()
        truth, guess = [], []
        with torch.no_grad():
            for batch in dev_dl:
                labels = batch.pop("labels")
                pred = model(**batch).clamp(0, 1)
                truth += (labels * (hi - lo) + lo).round().tolist()
                guess += (pred * (hi - lo) + lo).round().tolist()
        print(f"epoch {epoch} train_mse {loss.item():.4f} dev_qwk {quadratic_weighted_kappa(truth, guess, lo, hi):.3f}")


if __name__ == "__main__":
    run(AESConfig())
