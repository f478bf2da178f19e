from dataclasses import dataclass
import random

import torch
import torch.nn as nn

COARSE_TYPES = ["hardware", "software", "network"]
FINE_TYPES = [
    "disk_failure", "memory_error", "overheating",
    "os_crash", "app_bug", "license_expired",
    "wifi_drop", "dns_failure", "vpn_timeout",
]
KEYWORDS = {
    "disk_failure": ["disk", "smart", "sector"],
    "memory_error": ["ram", "ecc", "dimm"],
    "overheating": ["fan", "temp", "thermal"],
    "os_crash": ["kernel", "panic", "bsod"],
    "app_bug": ["exception", "stacktrace", "regression"],
    "license_expired": ["license", "key", "activation"],
    "wifi_drop": ["wifi", "ssid", "signal"],
    "dns_failure": ["dns", "resolve", "nxdomain"],
    "vpn_timeout": ["vpn", "tunnel", "handshake"],
}
FILLER = ["user", "reports", "since", "morning", "again", "urgent", "ticket", "please"]
TOKENS = sorted({w for ws in KEYWORDS.values() for w in ws} | set(FILLER))
TOK2ID = {t: i + 1 for i, t in enumerate(TOKENS)}


@dataclass
class Config:
    emb_dim: int = 32
    hidden: int = 48
    n_classes: int = len(COARSE_TYPES)
    seq_len: int = 10
    lr: float = 3e-3
    epochs: int = 3
    batch_size: int = 16


def synth_tickets(n, seq_len, seed=1):
    rng = random.Random(seed)
    ids, labels = [], []
    for _ in range(n):
        fine = rng.choice(FINE_TYPES)
        words = rng.sample(KEYWORDS[fine], 2) + rng.sample(FILLER, 4)
        rng.shuffle(words)
        row = [TOK2ID[w] for w in words][:seq_len]
        ids.append(row + [0] * (seq_len - len(row)))
        labels.append(FINE_TYPES.index(fine))
    return torch.tensor(ids), torch.tensor(labels)


class TicketClassifier(nn.Module):
    def __init__(self, cfg, vocab_size):
        super().__init__()
        self.embed = nn.Embedding(vocab_size, cfg.emb_dim, padding_idx=0)
        self.encoder = nn.Sequential(nn.Linear(cfg.emb_dim, cfg.hidden), nn.GELU())
        self.classifier = nn.Linear(cfg.hidden, cfg.n_classes)

    def forward(self, ids):
        mask = (ids > 0).float().unsqueeze(-1)
        h = (self.embed(ids) * mask).sum(1) / mask.sum(1).clamp(min=1)
        return self.classifier(self.encoder(h))


def train(cfg):
    torch.manual_seed(0)
    x, y = synth_tickets(256, cfg.seq_len)
    model = TicketClassifier(cfg, vocab_size=len(TOKENS) + 1)
    opt = torch.optim.AdamW(model.parameters(), lr=cfg.lr)
    loss_fn = nn.CrossEntropyLoss()
    for epoch in range(cfg.epochs):
        perm = torch.randperm(len(x))
        total = 0.0
        for start in range(0, len(x), cfg.batch_size):
            idx = perm[start:start + cfg.batch_size]
            logits = model(x[idx])
            loss = loss_fn(logits, y[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item() * len(idx)
        print(f"epoch {epoch}: loss {total / len(x):.4f}")
    with torch.no_grad():
        acc = (model(x).argmax(-1) == y).float().mean().item()
    print(f"train accuracy: {acc:.3f}")


if __name__ == "__main__":
    train(Config())
