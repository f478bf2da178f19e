"""CEFR level of a learner's sentence from a few hand-made features (notebook style)."""
import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

torch.manual_seed(0)
LEVEL = {"A1": 0, "A2": 1, "B1": 2, "B2": 3, "C1": 4}
essays = [("i am tom", "A1"), ("yesterday i goed to school", "A2"), ("although it rained we went out", "B1"),
          ("my name is ana", "A1"), ("had i known i would have come", "B2"),
          ("notwithstanding the caveats the thesis holds", "C1"), ("she has lived here for years", "B1"),
          ("i goed home", "A2")]

feats = torch.tensor([[len(t.split()), sum(len(w) for w in t.split()) / len(t.split())] for t, _ in essays])
y = [LEVEL[lvl] for _, lvl in essays]
n_classes = len(LEVEL)

clf = nn.Sequential(nn.Linear(2, 8), nn.ReLU(), nn.Linear(8, n_classes))
loader = DataLoader(TensorDataset(feats, torch.tensor(y)), batch_size=4, shuffle=False)
opt = torch.optim.Adam(clf.parameters(), lr=1e-2)
for xb, yb in loader:
    loss = nn.functional.cross_entropy(clf(xb), yb)
    opt.zero_grad()
    loss.backward()
    opt.step()
print("loss", loss.item())
