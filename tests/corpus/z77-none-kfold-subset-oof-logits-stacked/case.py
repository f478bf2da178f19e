"""Out-of-fold predictions for a small sentiment classifier (5-fold CV with torch.utils.data.Subset); the
out-of-fold logits are kept for stacking with a second-level model later.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.nn.utils.rnn import pad_sequence
from torch.utils.data import DataLoader, Subset

torch.manual_seed(0)
K, BATCH = 5, 4
LABELS = ["negative", "neutral", "positive"]
DATA = [
    ("awful service never again", 0), ("it was okay i guess", 1), ("absolutely loved it", 2),
    ("cold food and rude staff", 0), ("nothing special", 1), ("best burger in town", 2),
    ("waited an hour for nothing", 0), ("fine for a quick lunch", 1), ("friendly and fast", 2),
    ("the worst pizza i had", 0), ("average prices average taste", 1), ("will come back for sure", 2),
    ("dirty tables and loud music", 0), ("decent coffee", 1), ("great value for money", 2),
    ("overpriced and bland", 0), ("not bad not great", 1), ("amazing desserts", 2),
    ("my order was wrong twice", 0), ("it is a place to eat", 1), ("lovely terrace and view", 2),
    ("soggy fries", 0),
]
itos = ["<pad>"] + sorted({w for t, _ in DATA for w in t.split()})
stoi = {w: i for i, w in enumerate(itos)}
examples = [(torch.tensor([stoi[w] for w in t.split()]), y) for t, y in DATA]


def collate(batch):
    ids = pad_sequence([x for x, _ in batch], batch_first=True)
    return ids, torch.tensor([y for _, y in batch])


class MeanBag(nn.Module):
    def __init__(self, vocab, dim, classes):
        super().__init__()
        self.emb = nn.Embedding(vocab, dim, padding_idx=0)
        self.out = nn.Linear(dim, classes)

    def forward(self, ids):
        keep = (ids != 0).unsqueeze(-1).float()
        return self.out((self.emb(ids) * keep).sum(1) / keep.sum(1))


perm = torch.randperm(len(examples))
oof_logits = torch.zeros(len(examples), len(LABELS))
for fold in range(K):
    val_idx = perm[fold::K].tolist()
    train_idx = [i for i in perm.tolist() if i not in val_idx]
    model = MeanBag(len(itos), 16, len(LABELS))
    opt = torch.optim.Adam(model.parameters(), lr=0.05)
    for epoch in range(5):
        for ids, y in DataLoader(Subset(examples, train_idx), batch_size=BATCH, shuffle=True, collate_fn=collate):
            loss = F.cross_entropy(model(ids), y)
            opt.zero_grad()
            loss.backward()
            opt.step()
    fold_logits = []
    with torch.no_grad():
        for ids, _ in DataLoader(Subset(examples, val_idx), batch_size=BATCH, collate_fn=collate):
            fold_logits.append(model(ids))
    oof_logits[val_idx] = torch.stack(fold_logits)
    print(f"fold {fold}: {len(val_idx)} held-out examples")
print("oof accuracy", (oof_logits.argmax(1) == torch.tensor([y for _, y in DATA])).float().mean().item())
