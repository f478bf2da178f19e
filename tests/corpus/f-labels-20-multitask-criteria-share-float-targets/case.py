"""Two tasks on one encoder: topic classification and a helpfulness score, trained in turn with their own criteria."""
import torch
import torch.nn as nn

torch.manual_seed(0)
encoder = nn.Sequential(nn.Linear(8, 16), nn.ReLU())
heads = nn.ModuleDict({"topic": nn.Linear(16, 3), "helpful": nn.Linear(16, 1)})
criteria = {"topic": nn.CrossEntropyLoss(), "helpful": nn.MSELoss()}
data = {
    "topic": (torch.randn(6, 8), [0, 2, 1, 0, 2, 1]),
    "helpful": (torch.randn(6, 8), [0.9, 0.1, 0.4, 0.7, 0.2, 0.5]),
}
params = list(encoder.parameters()) + list(heads.parameters())
optim = torch.optim.SGD(params, lr=0.1)


def as_targets(values):
    """Targets of any task as one tensor."""
    return torch.tensor(values, dtype=torch.float32)


for step in range(3):
    for task, crit in criteria.items():
        x, values = data[task]
        target = as_targets(values)
        out = heads[task](encoder(x))
        if out.shape[-1] == 1:
            out = out.squeeze(-1)
        loss = crit(out, target)
        optim.zero_grad()
        loss.backward()
        optim.step()
    print("step", step, loss.item())
