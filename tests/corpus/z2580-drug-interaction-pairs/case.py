"""Drug-drug interaction severity classifier.

Reads a table of (drug_a, drug_b) pairs with a curated severity grade
(0 = none, 1 = minor, 2 = moderate, 3 = major) plus the disproportionality
signal (PRR) from the spontaneous reporting system, and trains a small
symmetric pair model on top of learned drug embeddings.
"""
import os

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, TensorDataset, random_split

SEED = 7
N_DRUGS = 240
N_PAIRS = 1500
N_SEVERITY = 4
EMB_DIM = 32
BATCH_SIZE = 64
EPOCHS = 3
LR = 3e-3

HERE = os.path.dirname(os.path.abspath(__file__))
PAIRS_CSV = os.path.join(HERE, "ddi_pairs.csv")


def write_synthetic_pairs(path, n_pairs, n_drugs, seed):
    rng = np.random.default_rng(seed)
    drug_class = rng.integers(0, 12, size=n_drugs)
    a = rng.integers(0, n_drugs, size=n_pairs)
    b = rng.integers(0, n_drugs, size=n_pairs)
    b = np.where(a == b, (b + 1) % n_drugs, b)
    same_class = drug_class[a] == drug_class[b]
    cyp_clash = (drug_class[a] % 3 == 0) & (drug_class[b] % 3 == 0)
    score = same_class * 1.5 + cyp_clash * 1.2 + rng.normal(0, 0.6, n_pairs)
    severity = np.clip(np.round(score), 0, N_SEVERITY - 1).astype(int)
    prr = np.exp(0.4 * severity + rng.normal(0, 0.3, n_pairs))
    with open(path, "w") as fh:
        fh.write("drug_a,drug_b,severity,prr\n")
        for row in zip(a, b, severity, prr):
            fh.write(f"{row[0]},{row[1]},{row[2]},{row[3]:.4f}\n")


def load_pairs(path):
    data = np.loadtxt(path, delimiter=",", skiprows=1)
    pairs = torch.from_numpy(data[:, :2])
    severity = torch.from_numpy(data[:, 2]).long()
    log_prr = torch.from_numpy(np.log(data[:, 3:4])).float()
    return pairs, severity, log_prr


class PairInteractionNet(nn.Module):
    def __init__(self, n_drugs, emb_dim, n_classes):
        super().__init__()
        self.drug_emb = nn.Embedding(n_drugs, emb_dim)
        self.head = nn.Sequential(
            nn.Linear(2 * emb_dim + 1, 64),
            nn.ReLU(),
            nn.Dropout(0.1),
            nn.Linear(64, n_classes),
        )

    def forward(self, pairs, log_prr):
        ea = self.drug_emb(pairs[:, 0])
        eb = self.drug_emb(pairs[:, 1])
        # order-invariant pair representation
        feats = torch.cat([ea + eb, ea * eb, log_prr], dim=-1)
        return self.head(feats)


def run_epoch(model, loader, optimizer=None):
    training = optimizer is not None
    model.train(training)
    total, correct, loss_sum = 0, 0, 0.0
    for pairs, severity, log_prr in loader:
        with torch.set_grad_enabled(training):
            logits = model(pairs, log_prr)
            loss = F.cross_entropy(logits, severity)
        if training:
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
        loss_sum += loss.item() * severity.size(0)
        correct += (logits.argmax(-1) == severity).sum().item()
        total += severity.size(0)
    return loss_sum / total, correct / total


def main():
    torch.manual_seed(SEED)
    write_synthetic_pairs(PAIRS_CSV, N_PAIRS, N_DRUGS, SEED)
    pairs, severity, log_prr = load_pairs(PAIRS_CSV)
    print(f"loaded {len(pairs)} pairs, severity counts={torch.bincount(severity).tolist()}")

    ds = TensorDataset(pairs, severity, log_prr)
    n_val = len(ds) // 5
    train_ds, val_ds = random_split(ds, [len(ds) - n_val, n_val],
                                    generator=torch.Generator().manual_seed(SEED))
    train_dl = DataLoader(train_ds, batch_size=BATCH_SIZE, shuffle=True)
    val_dl = DataLoader(val_ds, batch_size=256)

    model = PairInteractionNet(N_DRUGS, EMB_DIM, N_SEVERITY)
    opt = torch.optim.AdamW(model.parameters(), lr=LR, weight_decay=1e-4)

    for epoch in range(1, EPOCHS + 1):
        tr_loss, tr_acc = run_epoch(model, train_dl, opt)
        va_loss, va_acc = run_epoch(model, val_dl)
        print(f"epoch {epoch}: train loss {tr_loss:.3f} acc {tr_acc:.3f} | "
              f"val loss {va_loss:.3f} acc {va_acc:.3f}")


if __name__ == "__main__":
    main()
