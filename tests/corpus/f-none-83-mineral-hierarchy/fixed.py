import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, TensorDataset

torch.manual_seed(0)

# Specimen catalogue: mineral -> (mineral class, hardness, density g/cm3, lustre score)
MINERALS = {
    "quartz": ("silicate", 7.0, 2.65, 0.6),
    "orthoclase": ("silicate", 6.0, 2.56, 0.5),
    "olivine": ("silicate", 6.5, 3.3, 0.7),
    "calcite": ("carbonate", 3.0, 2.71, 0.4),
    "dolomite": ("carbonate", 3.5, 2.85, 0.4),
    "malachite": ("carbonate", 3.8, 3.9, 0.3),
    "hematite": ("oxide", 5.8, 5.26, 0.9),
    "corundum": ("oxide", 9.0, 4.0, 0.8),
}
COARSE = ["silicate", "carbonate", "oxide"]
FINE = list(MINERALS)
LEVELS = ["coarse", "fine"]
FINE_TO_COARSE = torch.tensor([COARSE.index(m[0]) for m in MINERALS.values()])


def sample_specimens(per_mineral=24):
    feats, ys = [], []
    for idx, (_, hard, dens, lustre) in enumerate(MINERALS.values()):
        base = torch.tensor([hard / 10, dens / 5, lustre])
        feats.append(base + 0.03 * torch.randn(per_mineral, 3))
        ys.append(torch.full((per_mineral,), idx))
    return torch.cat(feats), torch.cat(ys)


class HierarchicalClassifier(nn.Module):
    def __init__(self, n_in, h=32):
        super().__init__()
        self.body = nn.Sequential(nn.Linear(n_in, h), nn.ReLU(), nn.Linear(h, h), nn.ReLU())
        self.heads = nn.ModuleDict({"coarse": nn.Linear(h, len(COARSE)), "fine": nn.Linear(h, len(FINE))})

    def forward(self, x):
        z = self.body(x)
        return {level: head(z) for level, head in self.heads.items()}


def main():
    x, y = sample_specimens()
    print(f"{len(x)} specimens, {len(COARSE)} classes, {len(FINE)} minerals")
    loader = DataLoader(TensorDataset(x, y), batch_size=32, shuffle=True)
    model = HierarchicalClassifier(x.shape[1])
    opt = torch.optim.Adam(model.parameters(), lr=1e-2)

    for epoch in range(15):
        running = 0.0
        for batch_x, batch_y in loader:
            out = model(batch_x)
            loss = 0.0
            for level in LEVELS:
                target = FINE_TO_COARSE[batch_y] if level == "coarse" else batch_y
                loss += F.cross_entropy(out[level], target)
            opt.zero_grad()
            loss.backward()
            opt.step()
            running += loss.item()
        if epoch % 5 == 0:
            print(f"epoch {epoch} loss {running / len(loader):.3f}")

    with torch.no_grad():
        out = model(x)
    fine_acc = (out["fine"].argmax(-1) == y).float().mean()
    print(f"fine accuracy {fine_acc:.2f}")
    print("sample:", FINE[int(y[0])], "->", COARSE[int(out["coarse"][0].argmax())])


if __name__ == "__main__":
    main()
