import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import Dataset, DataLoader

rng = np.random.default_rng(2585)
torch.manual_seed(2585)


class Config:
    n_drugs = 120
    emb_dim = 24
    hidden = 48
    batch_size = 8
    epochs = 3
    lr = 1e-3
    min_fills = 4
    max_fills = 20


def simulate_patient(cfg):
    n_fills = int(rng.integers(cfg.min_fills, cfg.max_fills + 1))
    base_drug = int(rng.integers(1, cfg.n_drugs))
    drugs = []
    for _ in range(n_fills):
        if rng.random() < 0.15:
            drugs.append(int(rng.integers(1, cfg.n_drugs)))
        else:
            drugs.append(base_drug)
    supply = rng.choice([30, 60, 90], size=n_fills)
    slack = rng.gamma(2.0, 6.0, size=n_fills)
    fill_days = np.cumsum(supply + slack).astype(np.float32)
    fill_days -= fill_days[0]
    # discontinued if a late-period gap exceeded the grace period
    gaps = np.diff(fill_days)
    label = int((gaps[-3:] - supply[-4:-1]).max() > 20)
    return {"drugs": drugs, "fill_days": fill_days, "days_supply": supply.astype(np.float32), "label": label}


class RefillHistoryDataset(Dataset):
    def __init__(self, patients):
        self.patients = patients

    def __len__(self):
        return len(self.patients)

    def __getitem__(self, idx):
        p = self.patients[idx]
        gap_days = np.diff(p["fill_days"], prepend=p["fill_days"][0])
        return {
            "drugs": torch.tensor(p["drugs"], dtype=torch.long),
            "gaps": torch.from_numpy(gap_days / 30.0),
            "supply": torch.from_numpy(p["days_supply"] / 30.0),
            "label": torch.tensor(p["label"], dtype=torch.float32),
        }


def pad_1d(seqs, value=0):
    longest = max(s.size(0) for s in seqs)
    out = seqs[0].new_full((len(seqs), longest), value)
    for i, s in enumerate(seqs):
        out[i, : s.size(0)] = s
    return out


def collate_refills(batch):
    return {
        "drugs": pad_1d([b["drugs"] for b in batch]),
        "gaps": pad_1d([b["gaps"] for b in batch]),
        "supply": pad_1d([b["supply"] for b in batch]),
        "lengths": torch.tensor([b["drugs"].size(0) for b in batch]),
        "label": torch.stack([b["label"] for b in batch]),
    }


class TimeAwareRefillGRU(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.drug_emb = nn.Embedding(cfg.n_drugs, cfg.emb_dim, padding_idx=0)
        self.cell = nn.GRUCell(cfg.emb_dim + 2, cfg.hidden)
        self.decay = nn.Linear(1, cfg.hidden)
        self.out = nn.Linear(cfg.hidden, 1)
        self.hidden = cfg.hidden

    def forward(self, drugs, gaps, supply, lengths):
        bsz, n_steps = drugs.shape
        emb = self.drug_emb(drugs)
        h = emb.new_zeros(bsz, self.hidden)
        last_h = emb.new_zeros(bsz, self.hidden)
        for t in range(n_steps):
            dt = gaps[:, t].unsqueeze(-1)
            h = h * torch.exp(-torch.relu(self.decay(dt)))
            x_t = torch.cat([emb[:, t], dt, supply[:, t].unsqueeze(-1)], dim=-1)
            h = self.cell(x_t, h)
            is_last = (lengths - 1 == t).unsqueeze(-1)
            last_h = torch.where(is_last, h, last_h)
        return self.out(last_h).squeeze(-1)


def train(cfg):
    patients = [simulate_patient(cfg) for _ in range(96)]
    split = int(0.8 * len(patients))
    train_dl = DataLoader(RefillHistoryDataset(patients[:split]), batch_size=cfg.batch_size,
                          shuffle=True, collate_fn=collate_refills)
    val_dl = DataLoader(RefillHistoryDataset(patients[split:]), batch_size=cfg.batch_size,
                        collate_fn=collate_refills)

    model = TimeAwareRefillGRU(cfg)
    opt = torch.optim.Adam(model.parameters(), lr=cfg.lr)
    crit = nn.BCEWithLogitsLoss()

    for epoch in range(cfg.epochs):
        model.train()
        running = 0.0
        for batch in train_dl:
            logits = model(batch["drugs"], batch["gaps"], batch["supply"], batch["lengths"])
            loss = crit(logits, batch["label"])
            opt.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            running += loss.item()

        model.eval()
        correct = total = 0
        with torch.no_grad():
            for batch in val_dl:
                logits = model(batch["drugs"], batch["gaps"], batch["supply"], batch["lengths"])
                pred = (logits > 0).float()
                correct += (pred == batch["label"]).sum().item()
                total += batch["label"].numel()
        print(f"epoch {epoch}: train loss {running / len(train_dl):.4f}  val acc {correct / total:.3f}")


if __name__ == "__main__":
    train(Config())
