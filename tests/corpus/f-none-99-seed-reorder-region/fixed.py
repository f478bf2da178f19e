"""Predict whether a farm-supply customer reorders seed within 30 days."""
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, Dataset

torch.manual_seed(0)

CFG = {"vocab_size": 32, "type_vocab_size": 2, "hidden": 16, "max_len": 6, "batch_size": 4, "epochs": 3}
REGIONS = ["north", "south"]

# one row per order: product codes, segment (0 = ordered line, 1 = promo line), customer, sales region, reordered?
TABLE = {
    "items":        [[3, 7, 9, 12], [4, 4, 18], [21, 22, 5, 6, 9], [11, 2], [7, 8, 30],
                     [14, 15, 16], [3, 25, 26, 27], [9, 10], [5, 18, 19], [28, 29, 2, 3]],
    "segments":     [[0, 0, 0, 1], [0, 0, 1], [0, 0, 0, 1, 1], [0, 0], [0, 0, 1],
                     [0, 0, 0], [0, 1, 1, 1], [0, 0], [0, 0, 1], [0, 0, 0, 1]],
    "customer_ids": [0, 3, 6, 1, 5, 2, 4, 6, 3, 1],
    "regions":      ["north", "south", "south", "north", "north", "south", "north", "south", "south", "north"],
    "reordered":    [1, 0, 1, 0, 1, 0, 1, 1, 0, 0],
}


def pad(seq, n, value=0):
    return (seq + [value] * n)[:n]


class OrderSet(Dataset):
    def __init__(self, table, max_len):
        self.items = torch.tensor([pad(s, max_len) for s in table["items"]])
        self.types = torch.tensor([pad(s, max_len) for s in table["segments"]])
        self.mask = torch.tensor([pad([1] * len(s), max_len) for s in table["items"]])
        self.region_ids = torch.tensor([REGIONS.index(r) for r in table["regions"]])
        self.labels = torch.tensor(table["reordered"], dtype=torch.float)

    def __len__(self):
        return len(self.labels)

    def __getitem__(self, i):
        return {"items": self.items[i], "types": self.types[i], "mask": self.mask[i],
                "region_ids": self.region_ids[i], "label": self.labels[i]}


class OrderEncoder(nn.Module):
    def __init__(self, vocab_size, type_vocab_size, dim):
        super().__init__()
        self.tok = nn.Embedding(vocab_size, dim, padding_idx=0)
        self.seg = nn.Embedding(type_vocab_size, dim)
        self.norm = nn.LayerNorm(dim)

    def forward(self, items, types, mask):
        h = self.norm(self.tok(items) + self.seg(types))
        m = mask.unsqueeze(-1).float()
        return (h * m).sum(1) / m.sum(1).clamp(min=1)


class ReorderModel(nn.Module):
    def __init__(self, cfg, n_regions):
        super().__init__()
        dim = cfg["hidden"]
        self.encoder = OrderEncoder(cfg["vocab_size"], cfg["type_vocab_size"], dim)
        self.region = nn.Embedding(n_regions, dim)
        self.out = nn.Sequential(nn.Linear(2 * dim, dim), nn.GELU(), nn.Linear(dim, 1))

    def forward(self, items, types, mask, region_ids):
        basket = self.encoder(items, types, mask)
        where = self.region(region_ids)
        return self.out(torch.cat([basket, where], dim=-1)).squeeze(-1)


def main():
    data = OrderSet(TABLE, CFG["max_len"])
    loader = DataLoader(data, batch_size=CFG["batch_size"], shuffle=True)
    model = ReorderModel(CFG, n_regions=len(REGIONS))
    opt = torch.optim.AdamW(model.parameters(), lr=1e-2)
    print(f"{len(data)} orders, {sum(p.numel() for p in model.parameters())} parameters")
    for epoch in range(CFG["epochs"]):
        total = 0.0
        for batch in loader:
            logits = model(batch["items"], batch["types"], batch["mask"], batch["region_ids"])
            loss = F.binary_cross_entropy_with_logits(logits, batch["label"])
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item() * len(batch["label"])
        print(f"epoch {epoch}: loss {total / len(data):.4f}")


if __name__ == "__main__":
    main()
