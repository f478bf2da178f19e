import random

import torch
import torch.nn as nn
from torch.nn.utils.rnn import pad_sequence
from torch.utils.data import DataLoader
from accelerate import Accelerator

EVENTS = ["login", "logout", "read", "write", "delete", "chmod", "sudo", "download", "upload", "scan", "mkdir", "rmdir"]
PAD = 0
EV2ID = {e: i + 1 for i, e in enumerate(EVENTS)}

random.seed(3)
torch.manual_seed(3)


def make_session(suspicious):
    n = random.randint(4, 14)
    pool = EVENTS if suspicious else ["login", "read", "write", "mkdir", "upload", "logout"]
    evs = ["login"] + random.choices(pool, k=n) + ["logout"]
    if suspicious:
        evs.insert(random.randint(1, len(evs) - 1), "sudo")
    return {"codes": [EV2ID[e] for e in evs], "flag": int(suspicious)}


sessions = [make_session(i % 3 == 0) for i in range(96)]


def collate_sessions(rows):
    codes = pad_sequence([torch.tensor(r["codes"]) for r in rows], batch_first=True, padding_value=PAD)
    return {"codes": codes, "is_pad": codes == PAD, "flag": torch.tensor([r["flag"] for r in rows])}


class SessionEncoder(nn.Module):
    def __init__(self, n_codes, dim=32, heads=4, layers=2, max_len=64):
        super().__init__()
        self.embed = nn.Embedding(n_codes, dim, padding_idx=PAD)
        self.pos = nn.Parameter(torch.zeros(1, max_len, dim))
        self.summary = nn.Parameter(torch.randn(1, 1, dim) * 0.02)
        block = nn.TransformerEncoderLayer(dim, heads, dim * 2, dropout=0.1, batch_first=True)
        self.encoder = nn.TransformerEncoder(block, layers)
        self.head = nn.Linear(dim, 2)

    def forward(self, codes, is_pad):
        x = self.embed(codes)
        x = torch.cat([self.summary.expand(x.size(0), -1, -1), x], dim=1)
        x = x + self.pos[:, : x.size(1)]
        h = self.encoder(x, src_key_padding_mask=is_pad)
        return self.head(h[:, 0])


def train():
    accelerator = Accelerator(cpu=True)
    model = SessionEncoder(len(EVENTS) + 1)
    optimizer = torch.optim.AdamW(model.parameters(), lr=3e-3)
    loader = DataLoader(sessions, batch_size=16, shuffle=True, collate_fn=collate_sessions)
    model, optimizer, loader = accelerator.prepare(model, optimizer, loader)
    loss_fn = nn.CrossEntropyLoss()

    for epoch in range(3):
        model.train()
        total, hits = 0.0, 0
        for batch in loader:
            logits = model(batch["codes"], batch["is_pad"])
            loss = loss_fn(logits, batch["flag"])
            accelerator.backward(loss)
            optimizer.step()
            optimizer.zero_grad()
            total += loss.item()
            hits += (logits.argmax(-1) == batch["flag"]).sum().item()
        accelerator.print(f"epoch {epoch} loss {total / len(loader):.3f} acc {hits / len(sessions):.2f}")


if __name__ == "__main__":
    train()
