"""Particle-flow (Deep Sets) jet flavour tagger on a toy sample of AK4 jets.

Each jet is a variable-length set of PF candidates (pt_rel, deta, dphi, d0, dz, charge),
zero-padded to MAX_CANDS.  Truth labels come from the generator parton flavour.
"""
import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, TensorDataset, random_split

SEED = 7
MAX_CANDS = 40
N_FEATS = 6
N_JETS = 3000

CLASSES = ["light", "charm", "bottom", "gluon"]

# |partonFlavour| -> training class
PARTON_TO_CLASS = {1: 0, 2: 0, 3: 0, 4: 1, 5: 2, 21: 3}

CFG = {
    "phi_hidden": [64, 64, 64],
    "rho_hidden": [64, 32],
    "n_classes": len(CLASSES),
    "lr": 1e-3,
    "batch_size": 128,
    "epochs": 3,
}


def generate_jets(n_jets, rng):
    """Toy jets: heavy flavour gets displaced tracks (larger |d0|, |dz|)."""
    flav_choices = np.array([1, 2, 3, 4, 5, 21])
    flav_probs = np.array([0.15, 0.15, 0.10, 0.15, 0.20, 0.25])
    parton_flavour = rng.choice(flav_choices, size=n_jets, p=flav_probs)
    parton_flavour *= rng.choice([-1, 1], size=n_jets)

    cands = np.zeros((n_jets, MAX_CANDS, N_FEATS), dtype=np.float32)
    n_cands = rng.integers(5, MAX_CANDS + 1, size=n_jets)
    for i in range(n_jets):
        n = n_cands[i]
        af = abs(parton_flavour[i])
        displacement = {4: 0.05, 5: 0.12}.get(af, 0.01)
        pt = rng.exponential(1.0, n)
        cands[i, :n, 0] = pt / pt.sum()
        cands[i, :n, 1] = rng.normal(0, 0.15 if af != 21 else 0.25, n)
        cands[i, :n, 2] = rng.normal(0, 0.15 if af != 21 else 0.25, n)
        cands[i, :n, 3] = rng.normal(0, displacement, n)
        cands[i, :n, 4] = rng.normal(0, displacement * 1.5, n)
        cands[i, :n, 5] = rng.choice([-1, 0, 1], n)
    return cands, n_cands, parton_flavour


def flavour_to_labels(parton_flavour):
    return np.array([PARTON_TO_CLASS[abs(int(f))] for f in parton_flavour], dtype=np.int64)


def mlp(sizes, final_act=True):
    layers = []
    for i in range(len(sizes) - 1):
        layers.append(nn.Linear(sizes[i], sizes[i + 1]))
        if i < len(sizes) - 2 or final_act:
            layers.append(nn.ReLU())
    return nn.Sequential(*layers)


class DeepSetsTagger(nn.Module):
    def __init__(self, n_feats, cfg):
        super().__init__()
        self.phi = mlp([n_feats] + cfg["phi_hidden"])
        self.rho = mlp([cfg["phi_hidden"][-1]] + cfg["rho_hidden"])
        self.head = nn.Linear(cfg["rho_hidden"][-1], cfg["n_classes"])

    def forward(self, cands, mask):
        h = self.phi(cands) * mask.unsqueeze(-1)
        pooled = h.sum(dim=1) / mask.sum(dim=1, keepdim=True).clamp(min=1.0)
        return self.head(self.rho(pooled))


def make_loaders(cands, n_cands, labels, batch_size):
    mask = (np.arange(MAX_CANDS)[None, :] < n_cands[:, None]).astype(np.float32)
    ds = TensorDataset(torch.from_numpy(cands), torch.from_numpy(mask), torch.from_numpy(labels))
    n_val = len(ds) // 5
    train_ds, val_ds = random_split(ds, [len(ds) - n_val, n_val],
                                    generator=torch.Generator().manual_seed(SEED))
    return (DataLoader(train_ds, batch_size=batch_size, shuffle=True),
            DataLoader(val_ds, batch_size=batch_size))


@torch.no_grad()
def evaluate(model, loader):
    model.eval()
    correct, total = 0, 0
    for x, m, y in loader:
        pred = model(x, m).argmax(-1)
        correct += (pred == y).sum().item()
        total += y.numel()
    return correct / max(total, 1)


def main():
    rng = np.random.default_rng(SEED)
    torch.manual_seed(SEED)

    cands, n_cands, parton_flavour = generate_jets(N_JETS, rng)
    labels = flavour_to_labels(parton_flavour)
    print("class counts:", np.bincount(labels))

    train_loader, val_loader = make_loaders(cands, n_cands, labels, CFG["batch_size"])
    model = DeepSetsTagger(N_FEATS, CFG)
    opt = torch.optim.Adam(model.parameters(), lr=CFG["lr"])
    loss_fn = nn.CrossEntropyLoss()

    for epoch in range(CFG["epochs"]):
        model.train()
        running = 0.0
        for step, (x, m, y) in enumerate(train_loader):
            logits = model(x, m)
            loss = loss_fn(logits, y)
            opt.zero_grad()
            loss.backward()
            opt.step()
            running += loss.item()
        acc = evaluate(model, val_loader)
        print(f"epoch {epoch}: train loss {running / (step + 1):.4f}  val acc {acc:.3f}")


if __name__ == "__main__":
    main()
