from dataclasses import dataclass
from typing import Tuple

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.metrics import f1_score
from torch.utils.data import DataLoader, Dataset


@dataclass
class CodingConfig:
    vocab_size: int = 2000
    embed_dim: int = 100
    num_filter_maps: int = 50
    kernel_sizes: Tuple[int, ...] = (3, 5, 9)
    num_codes: int = 40
    max_len: int = 200
    dropout: float = 0.2
    lr: float = 1e-3
    batch_size: int = 8
    epochs: int = 2
    seed: int = 11


class MimicStyleNotes(Dataset):
    def __init__(self, cfg, n_notes, rng):
        self.max_len = cfg.max_len
        self.docs, self.targets = [], []
        for _ in range(n_notes):
            length = int(rng.integers(60, cfg.max_len))
            doc = rng.integers(1, cfg.vocab_size, size=length)
            y = np.zeros(cfg.num_codes, dtype=np.float32)
            y[rng.choice(cfg.num_codes, size=int(rng.integers(1, 6)), replace=False)] = 1
            self.docs.append(doc)
            self.targets.append(y)

    def __len__(self):
        return len(self.docs)

    def __getitem__(self, idx):
        ids = np.zeros(self.max_len, dtype=np.int64)
        doc = self.docs[idx][: self.max_len]
        ids[: len(doc)] = doc
        return torch.from_numpy(ids), torch.from_numpy(self.targets[idx])


class MultiResCAML(nn.Module):
    """Parallel convolutions of different widths + per-code attention (CAML / MultiResCNN style)."""

    def __init__(self, cfg: CodingConfig):
        super().__init__()
        self.embed = nn.Embedding(cfg.vocab_size, cfg.embed_dim, padding_idx=0)
        self.embed_drop = nn.Dropout(cfg.dropout)
        self.convs = nn.ModuleList(
            nn.Conv1d(cfg.embed_dim, cfg.num_filter_maps, k, padding=k // 2)
            for k in cfg.kernel_sizes
        )
        self.U = nn.Linear(cfg.num_filter_maps * len(cfg.kernel_sizes), cfg.num_codes)
        self.final = nn.Linear(cfg.num_filter_maps * len(cfg.kernel_sizes), cfg.num_codes)
        nn.init.xavier_uniform_(self.U.weight)
        nn.init.xavier_uniform_(self.final.weight)

    def encode(self, input_ids):
        x = self.embed_drop(self.embed(input_ids)).transpose(1, 2)
        feats = [torch.tanh(conv(x)) for conv in self.convs]
        return torch.cat(feats, dim=1).transpose(1, 2)

    def forward(self, input_ids):
        h = self.encode(input_ids)
        pad = input_ids.eq(0).unsqueeze(-1)
        scores = self.U(h).masked_fill(pad, float("-inf"))
        alpha = F.softmax(scores, dim=1)
        m = alpha.transpose(1, 2) @ h
        logits = self.final.weight.mul(m).sum(dim=2) + self.final.bias
        return logits, alpha


def run_epoch(model, loader, optimizer=None):
    training = optimizer is not None
    model.train(training)
    losses, preds, golds = [], [], []
    for input_ids, y in loader:
        with torch.set_grad_enabled(training):
            logits, _ = model(input_ids)
            loss = F.binary_cross_entropy_with_logits(logits, y)
        if training:
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
        losses.append(loss.item())
        preds.append((torch.sigmoid(logits) > 0.5).int().numpy())
        golds.append(y.int().numpy())
    micro = f1_score(np.concatenate(golds), np.concatenate(preds), average="micro", zero_division=0)
    return float(np.mean(losses)), micro


def main():
    cfg = CodingConfig()
    torch.manual_seed(cfg.seed)
    rng = np.random.default_rng(cfg.seed)
    train_ds = MimicStyleNotes(cfg, 64, rng)
    dev_ds = MimicStyleNotes(cfg, 16, rng)
    train_dl = DataLoader(train_ds, batch_size=cfg.batch_size, shuffle=True)
    dev_dl = DataLoader(dev_ds, batch_size=cfg.batch_size)

    model = MultiResCAML(cfg)
    opt = torch.optim.Adam(model.parameters(), lr=cfg.lr)
    print(f"params: {sum(p.numel() for p in model.parameters()):,}")
    for epoch in range(cfg.epochs):
        tr_loss, tr_f1 = run_epoch(model, train_dl, opt)
        dv_loss, dv_f1 = run_epoch(model, dev_dl)
        print(f"epoch {epoch}: train {tr_loss:.4f}/{tr_f1:.3f}  dev {dv_loss:.4f}/{dv_f1:.3f}")


if __name__ == "__main__":
    main()
