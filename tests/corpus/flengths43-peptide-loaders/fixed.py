import random

import torch
import torch.nn as nn
from torch.nn.utils.rnn import pad_sequence
from torch.utils.data import Dataset, DataLoader

AMINO = "ACDEFGHIKLMNPQRSTVWY"
PAD_ID = 0


def make_peptides(n, seed):
    rng = random.Random(seed)
    records = []
    for _ in range(n):
        length = rng.randint(6, 24)
        seq = "".join(rng.choice(AMINO) for _ in range(length))
        is_binder = int(seq.count("K") + seq.count("R") > length // 5)
        records.append((seq, is_binder))
    return records


class PeptideSet(Dataset):
    def __init__(self, records):
        self.records = records
        self.aa_to_id = {aa: i + 1 for i, aa in enumerate(AMINO)}

    def __len__(self):
        return len(self.records)

    def __getitem__(self, idx):
        seq, label = self.records[idx]
        residue_ids = torch.tensor([self.aa_to_id[a] for a in seq], dtype=torch.long)
        return {"residue_ids": residue_ids, "label": torch.tensor(label, dtype=torch.float)}


class BinderNet(nn.Module):
    def __init__(self, vocab=len(AMINO) + 1, dim=32):
        super().__init__()
        self.embed = nn.Embedding(vocab, dim, padding_idx=PAD_ID)
        self.conv = nn.Conv1d(dim, dim, kernel_size=3, padding=1)
        self.out = nn.Linear(dim, 1)

    def forward(self, residue_ids):
        x = self.embed(residue_ids).transpose(1, 2)
        x = torch.relu(self.conv(x))
        mask = (residue_ids != PAD_ID).unsqueeze(1).float()
        pooled = (x * mask).sum(-1) / mask.sum(-1).clamp(min=1.0)
        return self.out(pooled).squeeze(-1)


def pad_batch(items):
    residue_ids = pad_sequence([it["residue_ids"] for it in items], batch_first=True, padding_value=PAD_ID)
    labels = torch.stack([it["label"] for it in items])
    return {"residue_ids": residue_ids, "label": labels}


def evaluate(model, loader):
    model.eval()
    correct, total = 0, 0
    with torch.no_grad():
        for batch in loader:
            preds = (model(batch["residue_ids"]) > 0).float()
            correct += (preds == batch["label"]).sum().item()
            total += batch["label"].numel()
    return correct / max(total, 1)


def main():
    torch.manual_seed(0)
    train_ds = PeptideSet(make_peptides(256, seed=1))
    val_ds = PeptideSet(make_peptides(64, seed=2))

    train_loader = DataLoader(train_ds, batch_size=16, shuffle=True, collate_fn=pad_batch)
    val_loader = DataLoader(val_ds, batch_size=32, collate_fn=pad_batch)

    model = BinderNet()
    optim = torch.optim.AdamW(model.parameters(), lr=3e-3)
    loss_fn = nn.BCEWithLogitsLoss()

    for epoch in range(3):
        model.train()
        running = 0.0
        for batch in train_loader:
            logits = model(batch["residue_ids"])
            loss = loss_fn(logits, batch["label"])
            optim.zero_grad()
            loss.backward()
            optim.step()
            running += loss.item()
        acc = evaluate(model, val_loader)
        print(f"epoch {epoch}: loss={running / len(train_loader):.4f} val_acc={acc:.3f}")


if __name__ == "__main__":
    main()
