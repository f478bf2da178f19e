import os
import random
import tempfile
from dataclasses import dataclass, field

import torch
import torch.nn as nn
from transformers import BertConfig, BertModel, BertTokenizer

TICKET_VOCAB = [
    "driver", "was", "rude", "charged", "twice", "left", "my", "phone", "in", "the", "car",
    "wrong", "route", "took", "longer", "fare", "too", "high", "unsafe", "speeding", "refund",
    "please", "lost", "bag", "cancelled", "after", "waiting", "surge", "price", "felt", "very",
]
TRIP_COLUMNS = ["trip_id", "distance_km", "duration_min", "fare_usd", "surge_mult", "rider_rating"]
CATEGORIES = ["billing", "safety", "lost_item", "driver_conduct"]


@dataclass
class TicketConfig:
    hidden: int = 32
    heads: int = 2
    n_numeric: int = len(TRIP_COLUMNS)
    n_classes: int = len(CATEGORIES)
    max_len: int = 32
    special_tokens: list = field(default_factory=lambda: ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"])


class NumericTokenizer(nn.Module):
    """Turns each scalar trip feature into its own embedding token."""

    def __init__(self, cfg):
        super().__init__()
        self.n_numeric = cfg.n_numeric
        self.col_proj = nn.ModuleList([nn.Linear(1, cfg.hidden) for _ in range(cfg.n_numeric)])
        self.col_bias = nn.Parameter(torch.zeros(cfg.n_numeric, cfg.hidden))

    def forward(self, trip_feats):
        tokens = []
        for k in range(self.n_numeric):
            col = trip_feats[:, k].unsqueeze(-1)
            tokens.append(self.col_proj[k](col) + self.col_bias[k])
        return torch.stack(tokens, dim=1)


class TicketRouter(nn.Module):
    def __init__(self, cfg, vocab_size):
        super().__init__()
        self.text = BertModel(BertConfig(
            vocab_size=vocab_size, hidden_size=cfg.hidden, num_hidden_layers=1,
            num_attention_heads=cfg.heads, intermediate_size=64, max_position_embeddings=cfg.max_len,
        ))
        self.numeric = NumericTokenizer(cfg)
        self.fuse = nn.TransformerEncoderLayer(cfg.hidden, cfg.heads, dim_feedforward=64, batch_first=True)
        self.out = nn.Linear(cfg.hidden, cfg.n_classes)

    def forward(self, word_ids, word_mask, trip_feats):
        cls = self.text(input_ids=word_ids, attention_mask=word_mask).last_hidden_state[:, :1]
        seq = torch.cat([cls, self.numeric(trip_feats)], dim=1)
        return self.out(self.fuse(seq)[:, 0])


def fake_tickets(rng, n):
    rows = []
    for t in range(n):
        cat = rng.randrange(len(CATEGORIES))
        text = " ".join(rng.choice(TICKET_VOCAB) for _ in range(rng.randint(5, 15)))
        trip = {
            "trip_id": 900000 + t,
            "distance_km": rng.uniform(1, 30),
            "duration_min": rng.uniform(4, 70),
            "fare_usd": rng.uniform(5, 90),
            "surge_mult": rng.choice([1.0, 1.0, 1.3, 1.8]),
            "rider_rating": rng.uniform(3.5, 5.0),
        }
        rows.append((text, trip, cat))
    return rows


def standardize(mat):
    return (mat - mat.mean(0, keepdim=True)) / (mat.std(0, keepdim=True) + 1e-6)


def to_tensors(rows, tokenizer, cfg):
    texts = [r[0] for r in rows]
    enc = tokenizer(texts, padding=True, truncation=True, max_length=cfg.max_len, return_tensors="pt")
    feature_cols = [c for c in TRIP_COLUMNS if c != "trip_id"]
    trip = torch.tensor([[r[1][c] for c in feature_cols] for r in rows], dtype=torch.float32)
    labels = torch.tensor([r[2] for r in rows])
    return enc["input_ids"], enc["attention_mask"], standardize(trip), labels


def main():
    torch.manual_seed(3)
    rng = random.Random(3)
    cfg = TicketConfig()
    with tempfile.TemporaryDirectory() as workdir:
        vpath = os.path.join(workdir, "vocab.txt")
        with open(vpath, "w") as fh:
            fh.write("\n".join(cfg.special_tokens + TICKET_VOCAB) + "\n")
        tok = BertTokenizer(vpath)

        rows = fake_tickets(rng, 48)
        word_ids, word_mask, trip, labels = to_tensors(rows, tok, cfg)
        model = TicketRouter(cfg, tok.vocab_size)
        opt = torch.optim.AdamW(model.parameters(), lr=5e-4)
        ce = nn.CrossEntropyLoss()

        model.train()
        for step in range(6):
            idx = torch.randint(0, len(rows), (12,))
            logits = model(word_ids[idx], word_mask[idx], trip[idx])
            loss = ce(logits, labels[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
            print(f"step {step} loss {loss.item():.4f}")


if __name__ == "__main__":
    main()
