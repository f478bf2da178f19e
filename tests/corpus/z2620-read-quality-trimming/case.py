"""Sliding-window quality trimming + a small CNN that predicts whether a read
will map uniquely, trained on simulated Illumina-style Phred quality tracks."""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, TensorDataset, random_split

SEED = 7
READ_LEN = 150
WINDOW = 5
MIN_WINDOW_Q = 25.0
MIN_KEEP_LEN = 36
N_READS = 512
BATCH_SIZE = 64
EPOCHS = 3
LR = 3e-3

torch.manual_seed(SEED)
rng = np.random.default_rng(SEED)


def simulate_run(n, read_len, rng):
    """Per-base Phred scores with a 3' quality drop-off; some reads never degrade."""
    quals = np.zeros((n, read_len), dtype=np.float32)
    mapped = np.zeros(n, dtype=np.int64)
    pos = np.arange(read_len)
    for i in range(n):
        base_q = rng.uniform(30, 38)
        decay_start = rng.integers(20, read_len + 30)
        slope = rng.uniform(0.25, 0.7)
        q = base_q - np.clip(pos - decay_start, 0, None) * slope
        q = q + rng.normal(0.0, 1.5, size=read_len)
        quals[i] = np.clip(np.round(q), 2, 41)
        mapped[i] = int(decay_start > 80)
    return quals, mapped


def sliding_window_trim(quals, window, min_q):
    """Trimmomatic-style SLIDINGWINDOW: cut at the first window whose mean Q drops below min_q."""
    window_means = F.avg_pool1d(quals.unsqueeze(1), kernel_size=window, stride=1).squeeze(1)
    n_reads, read_len = quals.shape
    trim_at = torch.full((n_reads,), read_len, dtype=torch.long)
    for r in range(n_reads):
        for start in range(read_len):
            if window_means[r, start] < min_q:
                trim_at[r] = start
                break
    return trim_at


def apply_trim(quals, trim_at):
    positions = torch.arange(quals.size(1)).unsqueeze(0)
    keep = positions < trim_at.unsqueeze(1)
    return quals * keep, keep.float()


class QualityCNN(nn.Module):
    def __init__(self, channels=32):
        super().__init__()
        self.conv1 = nn.Conv1d(2, channels, kernel_size=7, padding=3)
        self.conv2 = nn.Conv1d(channels, channels, kernel_size=5, padding=2)
        self.head = nn.Linear(channels, 2)

    def forward(self, quals, keep):
        x = torch.stack([quals / 41.0, keep], dim=1)
        x = F.gelu(self.conv1(x))
        x = F.gelu(self.conv2(x))
        denom = keep.sum(dim=1, keepdim=True).clamp(min=1.0)
        pooled = (x * keep.unsqueeze(1)).sum(dim=2) / denom
        return self.head(pooled)


def main():
    raw_q, mapped = simulate_run(N_READS, READ_LEN, rng)
    quals = torch.from_numpy(raw_q)
    labels = torch.from_numpy(mapped)

    trim_at = sliding_window_trim(quals, WINDOW, MIN_WINDOW_Q)
    passed = trim_at >= MIN_KEEP_LEN
    print(f"reads passing trim filter: {int(passed.sum())}/{N_READS}, "
          f"median kept length {int(trim_at.median())}")

    trimmed_q, keep = apply_trim(quals[passed], trim_at[passed])
    ds = TensorDataset(trimmed_q, keep, labels[passed])
    n_val = len(ds) // 5
    train_ds, val_ds = random_split(ds, [len(ds) - n_val, n_val],
                                    generator=torch.Generator().manual_seed(SEED))
    train_dl = DataLoader(train_ds, batch_size=BATCH_SIZE, shuffle=True)
    val_dl = DataLoader(val_ds, batch_size=BATCH_SIZE)

    model = QualityCNN()
    opt = torch.optim.AdamW(model.parameters(), lr=LR)
    for epoch in range(EPOCHS):
        model.train()
        total = 0.0
        for q, k, y in train_dl:
            opt.zero_grad()
            loss = F.cross_entropy(model(q, k), y)
            loss.backward()
            opt.step()
            total += loss.item() * y.size(0)
        model.eval()
        correct = 0
        with torch.no_grad():
            for q, k, y in val_dl:
                correct += (model(q, k).argmax(-1) == y).sum().item()
        print(f"epoch {epoch}: train loss {total / len(train_ds):.4f} "
              f"val acc {correct / len(val_ds):.3f}")


if __name__ == "__main__":
    main()
