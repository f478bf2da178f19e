"""Predict full-time result (home win / draw / away win) from half-time commentary
snippets plus learned club embeddings."""
import os
import random
import tempfile

import torch
import torch.nn as nn
from transformers import BertConfig, BertModel, BertTokenizer

torch.manual_seed(7)
random.seed(7)

CLUBS = ["arsenal", "chelsea", "everton", "fulham", "leeds", "wolves"]
RESULTS = {"H": 0, "D": 1, "A": 2}

WORDS = (
    "goal shot save corner foul yellow red card header cross penalty miss post bar "
    "keeper striker winger defender midfield counter press offside free kick long "
    "ball tackle clearance pressure chance equaliser lead half time home away the a "
    "and from to wide low high early late"
).split()

FIXTURES = [
    ("arsenal", "chelsea", "early goal from a header after a corner home pressure", "H"),
    ("everton", "fulham", "long ball to the striker offside late free kick wide", "D"),
    ("leeds", "wolves", "away counter and a low shot the keeper save then a red card", "A"),
    ("chelsea", "leeds", "home press high winger cross header off the post", "H"),
    ("fulham", "arsenal", "penalty miss then away lead from a counter", "A"),
    ("wolves", "everton", "midfield tackle yellow card chance wide equaliser late", "D"),
    ("arsenal", "leeds", "home lead early the keeper save a penalty", "H"),
    ("chelsea", "fulham", "free kick to the bar and a clearance from the defender", "D"),
]


def write_vocab(folder):
    path = os.path.join(folder, "commentary_vocab.txt")
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    with open(path, "w") as fh:
        fh.write("\n".join(specials + sorted(set(WORDS))) + "\n")
    return path


class MatchOutcomeModel(nn.Module):
    def __init__(self, vocab_size, n_clubs, club_dim=16, n_results=3):
        super().__init__()
        cfg = BertConfig(
            vocab_size=vocab_size,
            hidden_size=32,
            num_hidden_layers=1,
            num_attention_heads=2,
            intermediate_size=64,
            max_position_embeddings=64,
        )
        self.text_encoder = BertModel(cfg)
        self.club_table = nn.Embedding(n_clubs, club_dim)
        fused_dim = cfg.hidden_size + club_dim
        self.dropout = nn.Dropout(0.1)
        self.result_head = nn.Linear(fused_dim, n_results)

    def forward(self, tokens, attn, home_idx, away_idx):
        enc = self.text_encoder(input_ids=tokens, attention_mask=attn)
        commentary_vec = enc.pooler_output
        home_vec = self.club_table(home_idx)
        away_vec = self.club_table(away_idx)
        fused = torch.cat([commentary_vec, home_vec, away_vec], dim=-1)
        return self.result_head(self.dropout(fused))


def make_batches(tok, club_to_idx, batch_size=4):
    rows = FIXTURES[:]
    random.shuffle(rows)
    for start in range(0, len(rows), batch_size):
        chunk = rows[start:start + batch_size]
        enc = tok([c[2] for c in chunk], padding=True, truncation=True,
                  max_length=32, return_tensors="pt")
        home = torch.tensor([club_to_idx[c[0]] for c in chunk])
        away = torch.tensor([club_to_idx[c[1]] for c in chunk])
        target = torch.tensor([RESULTS[c[3]] for c in chunk])
        yield enc["input_ids"], enc["attention_mask"], home, away, target


def train(epochs=3):
    with tempfile.TemporaryDirectory() as tmp:
        tok = BertTokenizer(write_vocab(tmp))
    club_to_idx = {name: i for i, name in enumerate(CLUBS)}

    model = MatchOutcomeModel(tok.vocab_size, len(CLUBS))
    optim = torch.optim.AdamW(model.parameters(), lr=3e-4)
    loss_fn = nn.CrossEntropyLoss()

    for epoch in range(epochs):
        model.train()
        total, seen = 0.0, 0
        for tokens, attn, home, away, target in make_batches(tok, club_to_idx):
            logits = model(tokens, attn, home, away)
            loss = loss_fn(logits, target)
            optim.zero_grad()
            loss.backward()
            optim.step()
            total += loss.item() * target.size(0)
            seen += target.size(0)
        print(f"epoch {epoch} loss {total / seen:.4f}")

    model.eval()
    with torch.no_grad():
        tokens, attn, home, away, target = next(make_batches(tok, club_to_idx, batch_size=8))
        pred = model(tokens, attn, home, away).argmax(-1)
        acc = (pred == target).float().mean().item()
    print(f"train accuracy {acc:.2f}")


if __name__ == "__main__":
    train()
