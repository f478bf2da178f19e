import random

import torch
import torch.nn as nn
import torch.nn.functional as F

CONFIG = {
    "vocab_size": 200,
    "max_len": 20,
    "d_model": 32,
    "n_heads": 2,
    "ff_dim": 64,
    "n_classes": 3,
    "dropout": 0.1,
    "batch_size": 8,
    "steps": 6,
}

PAD_ID = 0


def fake_reviews(n, cfg, seed=11):
    rnd = random.Random(seed)
    reviews = []
    for _ in range(n):
        length = rnd.randint(5, cfg["max_len"])
        ids = [rnd.randint(1, cfg["vocab_size"] - 1) for _ in range(length)]
        ids += [PAD_ID] * (cfg["max_len"] - length)
        reviews.append((ids, rnd.randint(0, cfg["n_classes"] - 1)))
    return reviews


def to_batch(rows):
    ids = torch.tensor([r[0] for r in rows], dtype=torch.long)
    labels = torch.tensor([r[1] for r in rows], dtype=torch.long)
    return ids, labels


class ReviewClassifier(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.tok = nn.Embedding(cfg["vocab_size"], cfg["d_model"], padding_idx=PAD_ID)
        self.pos = nn.Parameter(torch.zeros(1, cfg["max_len"], cfg["d_model"]))
        layer = nn.TransformerEncoderLayer(
            d_model=cfg["d_model"],
            nhead=cfg["n_heads"],
            dim_feedforward=cfg["ff_dim"],
            dropout=cfg["dropout"],
            batch_first=True,
        )
        self.encoder = nn.TransformerEncoder(layer, num_layers=1, enable_nested_tensor=False)
        self.drop = nn.Dropout(cfg["dropout"])
        self.head = nn.Linear(cfg["d_model"], cfg["n_classes"])

    def summarize(self, states, pad_mask):
        keep = (~pad_mask).unsqueeze(-1).float()
        states = states * keep
        return states.sum(dim=1) / keep.sum(dim=1).clamp(min=1.0)

    def forward(self, ids):
        pad_mask = ids.eq(PAD_ID)
        x = self.tok(ids) + self.pos[:, : ids.size(1)]
        h = self.encoder(x, src_key_padding_mask=pad_mask)
        pooled = self.summarize(h, pad_mask)
        pooled = torch.tanh(self.drop(pooled))
        return self.head(pooled)


def run_training(cfg):
    torch.manual_seed(0)
    data = fake_reviews(cfg["batch_size"] * cfg["steps"], cfg)
    model = ReviewClassifier(cfg)
    optim = torch.optim.AdamW(model.parameters(), lr=3e-4)
    model.train()
    for step in range(cfg["steps"]):
        chunk = data[step * cfg["batch_size"]:(step + 1) * cfg["batch_size"]]
        ids, labels = to_batch(chunk)
        logits = model(ids)
        loss = F.cross_entropy(logits, labels)
        optim.zero_grad()
        loss.backward()
        optim.step()
        print(f"step {step} loss {loss.item():.4f}")
    return model


if __name__ == "__main__":
    trained = run_training(CONFIG)
    trained.eval()
    with torch.no_grad():
        ids, _ = to_batch(fake_reviews(4, CONFIG, seed=99))
        print(trained(ids).argmax(dim=-1).tolist())
