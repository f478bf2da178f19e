"""One shared encoder, one head per task (emotion, intent); each step trains every task on its own data."""
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(1)
N_CLASSES = {"emotion": 6, "intent": 10}


def fake_task(n_rows, n_classes):
    return torch.randn(n_rows, 20), torch.randint(0, n_classes, (n_rows,))


datasets = {
    "intent": fake_task(32, 10),
    "emotion": fake_task(32, 6),
}

encoder = nn.Sequential(nn.Linear(20, 32), nn.GELU())
heads = nn.ModuleDict({task: nn.Linear(32, k) for task, k in N_CLASSES.items()})
opt = torch.optim.Adam(list(encoder.parameters()) + list(heads.parameters()), lr=1e-3)

for step in range(5):
    total = 0.0
    for task, (features, targets) in zip(datasets, datasets.values()):
        logits = heads[task](encoder(features))
        total = total + F.cross_entropy(logits, targets)
    opt.zero_grad()
    total.backward()
    opt.step()
    print(step, round(total.item(), 3))
