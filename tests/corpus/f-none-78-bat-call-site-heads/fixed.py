import random

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)
random.seed(0)

LABEL_SETS = {
    "wetland": ["daubenton", "soprano_pip", "noctule", "natterer", "whiskered"],
    "upland": ["brown_longeared", "common_pip", "natterer"],
    "coastal": ["common_pip", "soprano_pip", "noctule", "serotine", "leisler",
                "nathusius", "barbastelle", "greater_horseshoe"],
}
TASK_ID = {k: i for i, k in enumerate(sorted(LABEL_SETS))}
N_FEATS = 6  # peak kHz, start kHz, end kHz, duration ms, interval ms, bandwidth


def synth_calls(site, n_per_class=12):
    rows = []
    for label, species in enumerate(LABEL_SETS[site]):
        centre = torch.randn(N_FEATS, generator=torch.Generator().manual_seed(sum(map(ord, species))))
        for _ in range(n_per_class):
            rows.append({"site": site, "feats": centre + 0.3 * torch.randn(N_FEATS), "label": label})
    return rows


def site_batches(rows, batch_size=8):
    by_site = {}
    for r in rows:
        by_site.setdefault(r["site"], []).append(r)
    batches = []
    for site, items in by_site.items():
        random.shuffle(items)
        for i in range(0, len(items), batch_size):
            chunk = items[i:i + batch_size]
            batches.append((TASK_ID[site], torch.stack([r["feats"] for r in chunk]),
                            torch.tensor([r["label"] for r in chunk])))
    random.shuffle(batches)
    return batches


class MultiSiteClassifier(nn.Module):
    def __init__(self, label_sets, d=32):
        super().__init__()
        self.trunk = nn.Sequential(nn.Linear(N_FEATS, d), nn.ReLU(), nn.Linear(d, d), nn.ReLU())
        self.heads = nn.ModuleList([nn.Linear(d, len(label_sets[k])) for k in sorted(label_sets)])

    def forward(self, x, task):
        return self.heads[task](self.trunk(x))


def main():
    rows = [r for site in LABEL_SETS for r in synth_calls(site)]
    random.shuffle(rows)
    split = int(0.8 * len(rows))
    train, test = rows[:split], rows[split:]
    print(f"{len(train)} training calls, {len(test)} test calls over {len(LABEL_SETS)} sites")

    model = MultiSiteClassifier(LABEL_SETS)
    opt = torch.optim.Adam(model.parameters(), lr=3e-3)
    for epoch in range(6):
        total, n = 0.0, 0
        for task, x, y in site_batches(train):
            loss = F.cross_entropy(model(x, task), y)
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item() * len(y)
            n += len(y)
        print(f"epoch {epoch}: loss {total / n:.3f}")

    model.eval()
    correct = 0
    with torch.no_grad():
        for task, x, y in site_batches(test):
            correct += (model(x, task).argmax(-1) == y).sum().item()
    print(f"test accuracy: {correct / len(test):.2f}")


if __name__ == "__main__":
    main()
