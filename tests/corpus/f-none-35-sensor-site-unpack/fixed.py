from collections import defaultdict
from dataclasses import dataclass

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import Dataset, DataLoader


@dataclass
class RunConfig:
    n_samples: int = 600
    n_channels: int = 16
    n_sites: int = 10
    fault_classes: tuple = ("normal", "bearing_wear", "misalignment")
    batch_size: int = 40
    lr: float = 1e-2
    epochs: int = 3
    seed: int = 11


class VibrationReadings(Dataset):
    def __init__(self, cfg: RunConfig):
        g = torch.Generator().manual_seed(cfg.seed)
        n_classes = len(cfg.fault_classes)
        self.labels = torch.randint(0, n_classes, (cfg.n_samples,), generator=g)
        self.site_ids = torch.randint(0, cfg.n_sites, (cfg.n_samples,), generator=g)
        centers = torch.randn(n_classes, cfg.n_channels, generator=g) * 2.0
        site_bias = torch.randn(cfg.n_sites, cfg.n_channels, generator=g) * 0.3
        noise = torch.randn(cfg.n_samples, cfg.n_channels, generator=g)
        self.readings = centers[self.labels] + site_bias[self.site_ids] + noise

    def __len__(self):
        return self.labels.numel()

    def __getitem__(self, idx):
        return self.readings[idx], self.site_ids[idx], self.labels[idx]


class FaultClassifier(nn.Module):
    def __init__(self, n_channels, n_classes):
        super().__init__()
        self.net = nn.Sequential(
            nn.Linear(n_channels, 64),
            nn.GELU(),
            nn.Dropout(0.1),
            nn.Linear(64, n_classes),
        )

    def forward(self, x):
        return self.net(x)


def per_site_accuracy(correct_by_site, total_by_site):
    return {
        s: correct_by_site[s] / total_by_site[s]
        for s in sorted(total_by_site)
        if total_by_site[s] > 0
    }


def main():
    cfg = RunConfig()
    torch.manual_seed(cfg.seed)
    data = VibrationReadings(cfg)
    loader = DataLoader(data, batch_size=cfg.batch_size, shuffle=True)
    model = FaultClassifier(cfg.n_channels, len(cfg.fault_classes))
    optim = torch.optim.SGD(model.parameters(), lr=cfg.lr, momentum=0.9)

    for epoch in range(cfg.epochs):
        model.train()
        correct_by_site = defaultdict(int)
        total_by_site = defaultdict(int)
        running = 0.0
        for reading, site, label in loader:
            logits = model(reading)
            loss = F.cross_entropy(logits, label)
            optim.zero_grad()
            loss.backward()
            optim.step()
            running += loss.item()

            hits = logits.argmax(dim=1).eq(label)
            for s, h in zip(site.tolist(), hits.tolist()):
                correct_by_site[s] += int(h)
                total_by_site[s] += 1

        accs = per_site_accuracy(correct_by_site, total_by_site)
        worst = min(accs, key=accs.get)
        print(
            f"epoch {epoch}: loss={running / len(loader):.3f} "
            f"worst site={worst} acc={accs[worst]:.2f}"
        )


if __name__ == "__main__":
    main()
