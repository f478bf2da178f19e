import random
import torch
import torch.nn as nn
import torch.nn.functional as F

random.seed(3)
torch.manual_seed(3)

CONGESTION = ["free_flow", "slowing", "jammed"]


def simulate_detector(level):
    n = random.randint(8, 20)
    base = {0: 95.0, 1: 60.0, 2: 20.0}[level]
    speeds = [max(0.0, base + random.gauss(0, 8)) for _ in range(n)]
    occupancy = [min(1.0, max(0.0, (110 - s) / 110 + random.gauss(0, 0.05))) for s in speeds]
    return {"readings": list(zip(speeds, occupancy)), "level": level}


records = [simulate_detector(random.randrange(3)) for _ in range(60)]


def make_collate(pad_reading=(0.0, 0.0)):
    def collate(items):
        longest = max(len(it["readings"]) for it in items)
        feats, valid, levels = [], [], []
        for it in items:
            r = it["readings"]
            gap = longest - len(r)
            feats.append(r + [pad_reading] * gap)
            valid.append([1] * len(r) + [0] * gap)
            levels.append(it["level"])
        return {
            "feats": torch.tensor(feats, dtype=torch.float32),
            "valid": torch.tensor(valid),
            "level": torch.tensor(levels),
        }
    return collate


class AttnBlock(nn.Module):
    def __init__(self, dim, heads):
        super().__init__()
        self.attn = nn.MultiheadAttention(dim, heads, batch_first=True)
        self.norm1 = nn.LayerNorm(dim)
        self.ff = nn.Sequential(nn.Linear(dim, dim * 2), nn.GELU(), nn.Linear(dim * 2, dim))
        self.norm2 = nn.LayerNorm(dim)

    def forward(self, h, pad):
        a, _ = self.attn(h, h, h, key_padding_mask=pad, need_weights=False)
        h = self.norm1(h + a)
        return self.norm2(h + self.ff(h))


class CongestionNet(nn.Module):
    def __init__(self, dim=32, heads=4, depth=2, n_cls=3):
        super().__init__()
        self.inp = nn.Linear(2, dim)
        self.blocks = nn.ModuleList([AttnBlock(dim, heads) for _ in range(depth)])
        self.head = nn.Linear(dim, n_cls)

    def forward(self, feats, valid):
        h = self.inp(feats / torch.tensor([100.0, 1.0]))
        pad = ~valid
        for blk in self.blocks:
            h = blk(h, pad)
        keep = valid.unsqueeze(-1).float()
        pooled = (h * keep).sum(1) / keep.sum(1).clamp(min=1.0)
        return self.head(pooled)


collate = make_collate()
net = CongestionNet()
opt = torch.optim.Adam(net.parameters(), lr=2e-3)
train, held = records[:48], records[48:]

for epoch in range(3):
    random.shuffle(train)
    losses = []
    for i in range(0, len(train), 8):
        batch = collate(train[i:i + 8])
        out = net(batch["feats"], batch["valid"])
        loss = F.cross_entropy(out, batch["level"])
        opt.zero_grad()
        loss.backward()
        opt.step()
        losses.append(loss.item())
    print(f"epoch {epoch} mean loss {sum(losses) / len(losses):.4f}")

with torch.no_grad():
    b = collate(held)
    acc = (net(b["feats"], b["valid"]).argmax(1) == b["level"]).float().mean()
    print("held-out accuracy", round(acc.item(), 3), "chance", round(1 / len(CONGESTION), 3))
