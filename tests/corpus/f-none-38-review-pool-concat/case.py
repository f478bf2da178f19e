import random

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, TensorDataset

SETTINGS = {
    "vocab_size": 500,
    "embed_dim": 48,
    "hidden": 64,
    "num_ratings": 3,
    "seq_len": 40,
    "batch_size": 8,
    "lr": 1e-3,
    "epochs": 2,
}


def synth_reviews(n, seq_len, vocab_size, num_ratings, seed=0):
    g = torch.Generator().manual_seed(seed)
    tokens = torch.randint(1, vocab_size, (n, seq_len), generator=g)
    lengths = torch.randint(seq_len // 2, seq_len + 1, (n,), generator=g)
    for i, length in enumerate(lengths.tolist()):
        tokens[i, length:] = 0
    ratings = torch.randint(0, num_ratings, (n,), generator=g)
    return tokens, ratings


class ReviewRater(nn.Module):
    def __init__(self, vocab_size, embed_dim, hidden, num_ratings):
        super().__init__()
        self.embed = nn.Embedding(vocab_size, embed_dim, padding_idx=0)
        self.encoder = nn.GRU(embed_dim, hidden, batch_first=True)
        self.drop = nn.Dropout(0.2)
        self.head = nn.Linear(2 * hidden, num_ratings)

    def forward(self, tokens):
        pad_mask = (tokens != 0).unsqueeze(-1).float()
        states, _ = self.encoder(self.embed(tokens))
        max_pooled = states.masked_fill(pad_mask == 0, -1e4).max(dim=1).values
        mean_pooled = (states * pad_mask).sum(dim=1) / pad_mask.sum(dim=1).clamp(min=1.0)
        summary = torch.cat([max_pooled, mean_pooled])
        return self.head(self.drop(F.relu(summary)))


def run_epoch(model, loader, optimizer):
    model.train()
    total, seen = 0.0, 0
    for tokens, ratings in loader:
        optimizer.zero_grad()
        logits = model(tokens)
        loss = F.cross_entropy(logits, ratings)
        loss.backward()
        optimizer.step()
        total += loss.item() * tokens.size(0)
        seen += tokens.size(0)
    return total / seen


def main():
    random.seed(0)
    torch.manual_seed(0)
    cfg = SETTINGS
    tokens, ratings = synth_reviews(96, cfg["seq_len"], cfg["vocab_size"], cfg["num_ratings"])
    loader = DataLoader(TensorDataset(tokens, ratings), batch_size=cfg["batch_size"], shuffle=True)
    model = ReviewRater(cfg["vocab_size"], cfg["embed_dim"], cfg["hidden"], cfg["num_ratings"])
    optimizer = torch.optim.Adam(model.parameters(), lr=cfg["lr"])
    for epoch in range(cfg["epochs"]):
        avg = run_epoch(model, loader, optimizer)
        print(f"epoch {epoch}: loss {avg:.4f}")

    model.eval()
    with torch.no_grad():
        preds = model(tokens[:16]).argmax(dim=-1)
    print("sample predictions:", preds.tolist())


if __name__ == "__main__":
    main()
