import argparse
import random

import torch
import torch.nn as nn
from torch.utils.data import Dataset, DataLoader

parser = argparse.ArgumentParser(description="Multi-task toxicity prediction from SMILES")
parser.add_argument("--max-len", type=int, default=40)
parser.add_argument("--emb", type=int, default=32)
parser.add_argument("--channels", type=int, default=64)
parser.add_argument("--epochs", type=int, default=4)
parser.add_argument("--bs", type=int, default=6)
parser.add_argument("--lr", type=float, default=3e-3)
args = parser.parse_args()

random.seed(42)
torch.manual_seed(42)

TASKS = ["NR-AR", "NR-AhR", "SR-ARE", "SR-MMP"]

# small hand-made set: SMILES string -> binary activity per assay
records = [
    ("CCO", [0, 0, 0, 0]),
    ("c1ccccc1", [0, 1, 0, 0]),
    ("CC(=O)Oc1ccccc1C(=O)O", [0, 0, 1, 0]),
    ("CN1C=NC2=C1C(=O)N(C(=O)N2C)C", [0, 0, 0, 0]),
    ("Clc1ccc(Cl)cc1", [1, 1, 0, 1]),
    ("O=[N+]([O-])c1ccccc1", [0, 1, 1, 1]),
    ("CCN(CC)CC", [0, 0, 0, 0]),
    ("Brc1ccccc1Br", [1, 0, 1, 1]),
    ("OC(=O)CCCCC(=O)O", [0, 0, 0, 0]),
    ("c1ccc2ccccc2c1", [0, 1, 0, 1]),
    ("CC(C)Cc1ccc(cc1)C(C)C(=O)O", [0, 0, 1, 0]),
    ("ClC(Cl)(Cl)Cl", [1, 0, 1, 1]),
] * 3

charset = sorted({ch for smi, _ in records for ch in smi})
stoi = {ch: i + 1 for i, ch in enumerate(charset)}  # 0 = pad


def encode_smiles(smi, max_len):
    ids = [stoi[ch] for ch in smi[:max_len]]
    return ids + [0] * (max_len - len(ids))


class SmilesTox(Dataset):
    def __init__(self, rows, max_len):
        self.x = [torch.tensor(encode_smiles(s, max_len)) for s, _ in rows]
        self.y = [torch.tensor(lab, dtype=torch.float) for _, lab in rows]

    def __len__(self):
        return len(self.x)

    def __getitem__(self, i):
        return self.x[i], self.y[i]


class CharCNN(nn.Module):
    def __init__(self, vocab, emb, channels, n_tasks):
        super().__init__()
        self.embed = nn.Embedding(vocab, emb, padding_idx=0)
        self.convs = nn.ModuleList(
            [nn.Conv1d(emb, channels, k, padding=k // 2) for k in (3, 5, 7)]
        )
        self.head = nn.Sequential(nn.Dropout(0.1), nn.Linear(3 * channels, n_tasks))

    def forward(self, x):
        h = self.embed(x).transpose(1, 2)  # (B, emb, L)
        pooled = [torch.relu(conv(h)).max(dim=2).values for conv in self.convs]
        return self.head(torch.cat(pooled, dim=1))


random.shuffle(records)
split = int(0.8 * len(records))
train_dl = DataLoader(SmilesTox(records[:split], args.max_len), batch_size=args.bs, shuffle=True)
valid_dl = DataLoader(SmilesTox(records[split:], args.max_len), batch_size=args.bs)

net = CharCNN(len(stoi) + 1, args.emb, args.channels, len(TASKS))
opt = torch.optim.Adam(net.parameters(), lr=args.lr)
loss_fn = nn.BCEWithLogitsLoss()

for ep in range(1, args.epochs + 1):
    net.train()
    tr_loss = 0.0
    for xb, yb in train_dl:
        logits = net(xb)
        loss = loss_fn(logits, yb)
        opt.zero_grad()
        loss.backward()
        opt.step()
        tr_loss += loss.item() * xb.size(0)

    net.eval()
    correct = torch.zeros(len(TASKS))
    n = 0
    with torch.no_grad():
        for xb, yb in valid_dl:
            preds = (torch.sigmoid(net(xb)) > 0.5).long()
            correct += (preds == yb).sum(dim=0).float()
            n += xb.size(0)
    per_task = {t: f"{(c / n).item():.2f}" for t, c in zip(TASKS, correct)}
    print(f"ep {ep} train_loss={tr_loss / split:.4f} valid_acc={per_task}")
