"""Click-through prediction: a query-id embedding plus dense features, with every batch moved to the model's dtype."""
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, Dataset

DEVICE = torch.device("cpu")
DTYPE = torch.float32
N_QUERIES = 50


class Clicks(Dataset):
    def __init__(self, n):
        g = torch.Generator().manual_seed(0)
        self.qid = torch.randint(0, N_QUERIES, (n,), generator=g)
        self.dense = torch.randn(n, 6, generator=g, dtype=torch.float64)
        self.clicked = torch.randint(0, 2, (n,), generator=g).double()

    def __len__(self):
        return len(self.qid)

    def __getitem__(self, i):
        return {"qid": self.qid[i], "dense": self.dense[i], "clicked": self.clicked[i]}


class CTR(nn.Module):
    def __init__(self):
        super().__init__()
        self.query = nn.Embedding(N_QUERIES, 8)
        self.mlp = nn.Sequential(nn.Linear(14, 16), nn.ReLU(), nn.Linear(16, 1))

    def forward(self, qid, dense):
        return self.mlp(torch.cat([self.query(qid), dense], dim=-1)).squeeze(-1)


model = CTR().to(DEVICE, DTYPE)
opt = torch.optim.Adam(model.parameters(), lr=1e-2)
loss_fn = nn.BCEWithLogitsLoss()
for epoch in range(2):
    for batch in DataLoader(Clicks(64), batch_size=16, shuffle=True):
        batch = {name: t.to(DEVICE, DTYPE) if t.is_floating_point() else t.to(DEVICE) for name, t in batch.items()}
        loss = loss_fn(model(batch["qid"], batch["dense"]), batch["clicked"])
        opt.zero_grad()
        loss.backward()
        opt.step()
    print(epoch, loss.item())
