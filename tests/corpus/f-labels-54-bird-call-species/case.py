import random

import torch
import torch.nn as nn
import torch.nn.functional as F

random.seed(2)
torch.manual_seed(2)

SPECIES = ["robin", "wren", "blackbird", "chiffchaff"]
N_BANDS = 16


def load_recordings(n=320):
    records = []
    for _ in range(n):
        species_id = random.randint(1, len(SPECIES))
        peak = 2 + 3 * species_id
        bands = [random.gauss(0.0, 0.4) + (1.5 if abs(b - peak) <= 1 else 0.0) for b in range(N_BANDS)]
        records.append({"site": random.choice("ABC"), "species_id": species_id, "bands": bands})
    return records


def build_model(n_classes):
    return nn.Sequential(
        nn.Linear(N_BANDS, 48),
        nn.GELU(),
        nn.LayerNorm(48),
        nn.Linear(48, n_classes),
    )


def train_and_evaluate(records, epochs=20, batch_size=40):
    feats = torch.as_tensor([r["bands"] for r in records], dtype=torch.float32)
    target = torch.as_tensor([r["species_id"] for r in records])
    n_train = int(0.8 * len(records))

    model = build_model(len(SPECIES))
    opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    for epoch in range(epochs):
        order = torch.randperm(n_train)
        for start in range(0, n_train, batch_size):
            rows = order[start:start + batch_size]
            loss = F.cross_entropy(model(feats[rows]), target[rows])
            opt.zero_grad()
            loss.backward()
            opt.step()

    model.eval()
    with torch.no_grad():
        pred = model(feats[n_train:]).argmax(dim=1)
    confusion = torch.zeros(len(SPECIES), len(SPECIES), dtype=torch.long)
    for t, p in zip(target[n_train:].tolist(), pred.tolist()):
        confusion[t, p] += 1
    accuracy = confusion.diag().sum().item() / confusion.sum().item()
    return confusion, accuracy


confusion, accuracy = train_and_evaluate(load_recordings())
print("confusion (rows = true):")
for name, row in zip(SPECIES, confusion.tolist()):
    print(f"  {name:>10} {row}")
print(f"held-out accuracy {accuracy:.3f}")
