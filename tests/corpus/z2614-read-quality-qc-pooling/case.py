"""Flag sequencing reads with a low-quality / adapter read-through tail from
their per-base Phred quality series. Reads have variable length, so batches are
padded in a collate_fn and an attention-pooling head ignores the padded cycles."""
import random

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, Dataset, random_split

SEED = 11
MIN_LEN, MAX_LEN = 60, 151
N_READS = 800
BATCH = 32
EPOCHS = 2
HIDDEN = 32
PHRED_CAP = 41.0

random.seed(SEED)
np.random.seed(SEED)
torch.manual_seed(SEED)


def simulate_read_quals(n_reads, rng):
    reads, flags = [], []
    for _ in range(n_reads):
        n = int(rng.integers(MIN_LEN, MAX_LEN + 1))
        cycle = np.arange(n)
        q = 38 - 6 * (cycle / MAX_LEN) ** 2 + rng.normal(0, 2.0, size=n)
        bad = rng.random() < 0.35
        if bad:
            start = int(rng.integers(n // 3, n - 10))
            q[start:] -= rng.uniform(12, 25) + 0.1 * (cycle[start:] - start)
        q = np.clip(np.round(q), 2, PHRED_CAP)
        reads.append(q.astype(np.float32))
        flags.append(int(bad))
    return reads, flags


class QualityReads(Dataset):
    def __init__(self, quals, flags):
        self.quals = quals
        self.flags = flags

    def __len__(self):
        return len(self.quals)

    def __getitem__(self, i):
        phred = self.quals[i]
        err = np.power(10.0, -phred / 10.0).astype(np.float32)
        expected_errors = np.cumsum(err)
        feats = np.stack([phred / PHRED_CAP, np.log1p(expected_errors)], axis=-1)
        feats = torch.from_numpy(feats.astype(np.float32))
        return feats, self.flags[i]


def collate_reads(batch):
    lengths = [f.shape[0] for f, _ in batch]
    max_len = max(lengths)
    feats = torch.zeros(len(batch), max_len, batch[0][0].shape[-1])
    pad_mask = torch.zeros(len(batch), max_len, dtype=torch.long)
    for i, (f, _) in enumerate(batch):
        feats[i, : f.shape[0]] = f
        pad_mask[i, f.shape[0]:] = 1
    labels = torch.tensor([y for _, y in batch], dtype=torch.float32)
    return feats, pad_mask, torch.tensor(lengths), labels


def build_encoder(in_dim, hidden):
    return nn.Sequential(
        nn.Conv1d(in_dim, hidden, kernel_size=7, padding=3),
        nn.GELU(),
        nn.Conv1d(hidden, hidden, kernel_size=5, padding=2),
        nn.GELU(),
    )


def attention_pool(h, score_layer, pad_mask):
    scores = score_layer(h).squeeze(-1)
    scores = scores.masked_fill(pad_mask, float("-inf"))
    weights = torch.softmax(scores, dim=1)
    return torch.bmm(weights.unsqueeze(1), h).squeeze(1)


def forward(params, feats, pad_mask):
    h = params["encoder"](feats.transpose(1, 2)).transpose(1, 2)
    pooled = attention_pool(h, params["score"], pad_mask)
    return params["head"](pooled).squeeze(-1)


def evaluate(params, loader):
    for m in params.values():
        m.eval()
    tp = fp = fn = correct = total = 0
    with torch.no_grad():
        for feats, pad_mask, _, labels in loader:
            pred = (forward(params, feats, pad_mask) > 0).float()
            correct += (pred == labels).sum().item()
            total += len(labels)
            tp += ((pred == 1) & (labels == 1)).sum().item()
            fp += ((pred == 1) & (labels == 0)).sum().item()
            fn += ((pred == 0) & (labels == 1)).sum().item()
    prec = tp / max(tp + fp, 1)
    rec = tp / max(tp + fn, 1)
    return correct / total, prec, rec


def main():
    rng = np.random.default_rng(SEED)
    quals, flags = simulate_read_quals(N_READS, rng)
    ds = QualityReads(quals, flags)
    n_val = N_READS // 5
    train_ds, val_ds = random_split(ds, [N_READS - n_val, n_val],
                                    generator=torch.Generator().manual_seed(SEED))
    train_dl = DataLoader(train_ds, batch_size=BATCH, shuffle=True, collate_fn=collate_reads)
    val_dl = DataLoader(val_ds, batch_size=BATCH, collate_fn=collate_reads)

    params = nn.ModuleDict({
        "encoder": build_encoder(2, HIDDEN),
        "score": nn.Linear(HIDDEN, 1),
        "head": nn.Linear(HIDDEN, 1),
    })
    opt = torch.optim.Adam(params.parameters(), lr=2e-3)
    pos_weight = torch.tensor([(1 - np.mean(flags)) / max(np.mean(flags), 1e-6)])

    for epoch in range(EPOCHS):
        params.train()
        total = 0.0
        for step, (feats, pad_mask, lengths, labels) in enumerate(train_dl):
            logits = forward(params, feats, pad_mask)
            loss = F.binary_cross_entropy_with_logits(logits, labels, pos_weight=pos_weight)
            opt.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(params.parameters(), 1.0)
            opt.step()
            total += loss.item()
        acc, prec, rec = evaluate(params, val_dl)
        print(f"epoch {epoch} loss={total / (step + 1):.4f} acc={acc:.3f} "
              f"precision={prec:.3f} recall={rec:.3f}")


if __name__ == "__main__":
    main()
