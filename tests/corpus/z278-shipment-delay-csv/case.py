import math
import random

import torch
import torch.nn as nn

random.seed(11)
torch.manual_seed(11)

SHIPMENTS_CSV = """shipment_id,weight_kg,distance_km,stops,express,customs,delay_band
SH-1001,12.5,340,2,1,0,1
SH-1002,880.0,2150,6,0,1,3
SH-1003,45.2,120,1,1,0,1
SH-1004,1500.0,3900,9,0,1,4
SH-1005,230.0,760,3,0,0,2
SH-1006,5.1,45,1,1,0,1
SH-1007,640.0,1800,5,0,1,3
SH-1008,95.0,410,2,0,0,2
SH-1009,2100.0,4200,11,0,1,4
SH-1010,18.0,600,2,1,1,2
SH-1011,310.0,980,4,0,0,2
SH-1012,720.5,2600,7,0,1,3
SH-1013,60.0,150,1,0,0,1
SH-1014,1320.0,3500,8,0,1,4
SH-1015,150.0,1300,4,1,1,3
SH-1016,40.0,90,1,1,0,1
SH-1017,980.0,2900,7,0,1,4
SH-1018,275.0,820,3,0,1,2
"""

FEATURES = ["weight_kg", "distance_km", "stops", "express", "customs"]


def read_rows(text):
    lines = [ln.strip() for ln in text.strip().splitlines() if ln.strip()]
    header = lines[0].split(",")
    rows = []
    for ln in lines[1:]:
        rows.append(dict(zip(header, ln.split(","))))
    return rows


def to_tensors(rows):
    feats, bands = [], []
    for r in rows:
        w = math.log1p(float(r["weight_kg"]))
        d = math.log1p(float(r["distance_km"]))
        feats.append([w, d, float(r["stops"]), float(r["express"]), float(r["customs"])])
        bands.append(int(r["delay_band"]))
    x = torch.tensor(feats)
    x = (x - x.mean(0)) / (x.std(0) + 1e-6)
    return x, torch.tensor(bands)


rows = read_rows(SHIPMENTS_CSV)
random.shuffle(rows)
split = int(0.75 * len(rows))
x_all, y_all = to_tensors(rows)
x_tr, y_tr = x_all[:split], y_all[:split]
x_te, y_te = x_all[split:], y_all[split:]

num_bands = len(set(y_all.tolist()))
clf = nn.Sequential(
    nn.Linear(len(FEATURES), 32),
    nn.ReLU(),
    nn.Dropout(0.1),
    nn.Linear(32, num_bands),
)
criterion = nn.CrossEntropyLoss()
opt = torch.optim.SGD(clf.parameters(), lr=0.1, momentum=0.9)

for epoch in range(60):
    clf.train()
    perm = torch.randperm(len(x_tr))
    for i in range(0, len(perm), 4):
        idx = perm[i:i + 4]
        loss = criterion(clf(x_tr[idx]), y_tr[idx])
        opt.zero_grad()
        loss.backward()
        opt.step()
    if epoch % 20 == 0:
        print(f"epoch {epoch:2d} loss {loss.item():.3f}")

clf.eval()
with torch.no_grad():
    acc = (clf(x_te).argmax(1) == y_te).float().mean().item()
print(f"held-out accuracy on {len(y_te)} shipments: {acc:.2f}")
