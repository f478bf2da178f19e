import os
import random

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, Dataset

HERE = os.path.dirname(os.path.abspath(__file__))
FASTQ = os.path.join(HERE, "sim_reads.fastq")
READ_LEN = 150
PHRED_OFFSET = 33
BASE_IDX = {"A": 0, "C": 1, "G": 2, "T": 3, "N": 4}

params = {
    "min_tail_q": 15,
    "min_len": 50,
    "batch_size": 32,
    "epochs": 3,
    "lr": 1e-3,
    "hidden": 32,
}


def write_fake_fastq(path, n_reads=400, seed=7):
    rng = np.random.default_rng(seed)
    with open(path, "w") as fh:
        for i in range(n_reads):
            mapq = int(rng.integers(0, 61))
            start_q = 30 + mapq / 6
            decay = rng.uniform(0.02, 0.12)
            pos = np.arange(READ_LEN)
            q = start_q - decay * pos + rng.normal(0, 3, READ_LEN)
            if rng.random() < 0.6:
                drop = int(rng.integers(90, READ_LEN))
                q[drop:] = rng.integers(2, 12, READ_LEN - drop)
            q = np.clip(q, 2, 41).astype(int)
            seq = "".join(rng.choice(list("ACGT"), READ_LEN))
            seq = "".join("N" if qq <= 3 else b for b, qq in zip(seq, q))
            qual = "".join(chr(qq + PHRED_OFFSET) for qq in q)
            fh.write(f"@read{i} MAPQ:{mapq}\n{seq}\n+\n{qual}\n")


def parse_fastq(path):
    records = []
    with open(path) as fh:
        while True:
            header = fh.readline().strip()
            if not header:
                break
            seq = fh.readline().strip()
            fh.readline()
            qual = fh.readline().strip()
            mapq = int(header.split("MAPQ:")[1])
            records.append((header[1:].split()[0], seq, qual, mapq))
    return records


def trim_low_quality_tail(seq, quals, min_q):
    end = len(quals)
    while end > 0 and quals[end - 1] < min_q:
        end -= 1
    return seq[:end], quals[:end]


class TrimmedReadDataset(Dataset):
    def __init__(self, records, min_tail_q, min_len):
        self.items = []
        for name, seq, qual, mapq in records:
            q = [ord(c) - PHRED_OFFSET for c in qual]
            seq, q = trim_low_quality_tail(seq, q, min_tail_q)
            if len(seq) < min_len:
                continue
            self.items.append((name, seq, q, mapq))

    def __len__(self):
        return len(self.items)

    def __getitem__(self, idx):
        name, seq, q, mapq = self.items[idx]
        return {
            "name": name,
            "bases": torch.tensor([BASE_IDX[b] for b in seq], dtype=torch.long),
            "qual": torch.tensor(q, dtype=torch.float32) / 41.0,
            "mapq": torch.tensor(mapq / 60.0, dtype=torch.float32),
        }


def collate_reads(batch):
    return {
        "names": [b["name"] for b in batch],
        "bases": torch.stack([b["bases"] for b in batch]),
        "qual": torch.stack([b["qual"] for b in batch]),
        "lengths": torch.tensor([len(b["qual"]) for b in batch]),
        "mapq": torch.stack([b["mapq"] for b in batch]),
    }


class QualityConvRegressor(nn.Module):
    def __init__(self, hidden):
        super().__init__()
        self.base_emb = nn.Embedding(len(BASE_IDX), 8)
        self.conv = nn.Sequential(
            nn.Conv1d(9, hidden, kernel_size=7, padding=3),
            nn.ReLU(),
            nn.Conv1d(hidden, hidden, kernel_size=5, padding=2),
            nn.ReLU(),
        )
        self.out = nn.Linear(hidden, 1)

    def forward(self, bases, qual, lengths):
        x = torch.cat([self.base_emb(bases), qual.unsqueeze(-1)], dim=-1)
        h = self.conv(x.transpose(1, 2)).transpose(1, 2)
        mask = torch.arange(h.size(1))[None, :] < lengths[:, None]
        pooled = (h * mask.unsqueeze(-1)).sum(1) / lengths[:, None].float()
        return self.out(pooled).squeeze(-1)


def run():
    random.seed(0)
    torch.manual_seed(0)
    if not os.path.exists(FASTQ):
        write_fake_fastq(FASTQ)
    records = parse_fastq(FASTQ)
    ds = TrimmedReadDataset(records, params["min_tail_q"], params["min_len"])
    print(f"{len(ds)}/{len(records)} reads kept after tail trimming")

    loader = DataLoader(ds, batch_size=params["batch_size"], shuffle=True,
                        collate_fn=collate_reads)
    model = QualityConvRegressor(params["hidden"])
    opt = torch.optim.Adam(model.parameters(), lr=params["lr"])
    loss_fn = nn.SmoothL1Loss()

    for epoch in range(params["epochs"]):
        total, n = 0.0, 0
        for batch in loader:
            pred = model(batch["bases"], batch["qual"], batch["lengths"])
            loss = loss_fn(pred, batch["mapq"])
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item() * len(batch["names"])
            n += len(batch["names"])
        print(f"epoch {epoch}: smooth-L1 {total / n:.4f}")


if __name__ == "__main__":
    run()
