# %% [markdown]
# # Greenhouse climate windows -> vent event classifier
# 1D conv over (temp, humidity, co2, par) windows, per-window error review at the end

# %%
import torch
import torch.nn as nn

torch.manual_seed(42)

# %%
N_WINDOWS = 160
WIN = 24          # 24 readings = 2h at 5 min
CHANNELS = ["temp", "rh", "co2", "par"]
EVENTS = ["none", "ridge_vent", "side_vent", "fogging"]

# fake sensor export: a station id per window, 4 stations in the house
station = torch.randint(0, 4, (N_WINDOWS,))
y_all = torch.randint(0, len(EVENTS), (N_WINDOWS,))
x_all = torch.randn(N_WINDOWS, len(CHANNELS), WIN)
# make the events a little learnable
x_all[:, 0, -6:] -= y_all.eq(1).float().unsqueeze(-1) * 2.0
x_all[:, 1, -6:] += y_all.eq(3).float().unsqueeze(-1) * 2.0
x_all[:, 2, -6:] -= y_all.eq(2).float().unsqueeze(-1) * 1.5
print(x_all.shape, y_all.bincount())

# %%
N_VAL = 40
val_x, val_y, val_station = x_all[:N_VAL], y_all[:N_VAL], station[:N_VAL]
tr_x, tr_y = x_all[N_VAL:], y_all[N_VAL:]
print("train", tr_x.shape, "val", val_x.shape)

# %%
class VentNet(nn.Module):
    def __init__(self, c_in, n_cls, width=32):
        super().__init__()
        self.body = nn.Sequential(
            nn.Conv1d(c_in, width, 5, padding=2), nn.ReLU(),
            nn.Conv1d(width, width, 5, padding=2), nn.ReLU(),
            nn.AdaptiveAvgPool1d(1),
        )
        self.out = nn.Linear(width, n_cls)

    def forward(self, x):
        return self.out(self.body(x).squeeze(-1))

net = VentNet(len(CHANNELS), len(EVENTS))
opt = torch.optim.Adam(net.parameters(), lr=3e-3)

# %%
for epoch in range(1):
    net.train()
    perm = torch.randperm(len(tr_x))
    for b in range(0, len(perm), 16):
        idx = perm[b:b + 16]
        opt.zero_grad()
        loss = nn.functional.cross_entropy(net(tr_x[idx]), tr_y[idx])
        loss.backward()
        opt.step()
    if epoch % 5 == 4:
        net.eval()
        with torch.no_grad():
            acc = (net(val_x).argmax(-1) == val_y).float().mean().item()
        print(f"epoch {epoch+1} loss {loss.item():.3f} val acc {acc:.3f}")

# %%
# station 3's CO2 probe was swapped mid-season, leave it out of the review
keep = val_station != 3
val_x, val_y = val_x[keep], val_y[keep]
val_x.shape, val_y.shape

# %%
net.eval()
confusion = torch.zeros(len(EVENTS), len(EVENTS), dtype=torch.long)
misses = []
with torch.no_grad():
    for i in range(len(val_x)):
        logits = net(val_x[i].unsqueeze(0))
        p = logits.argmax(-1).item()
        t = val_y[i].item()
        confusion[t, p] += 1
        if p != t:
            misses.append((i, EVENTS[t], EVENTS[p], logits.softmax(-1).max().item()))

# %%
print(confusion)
print("val acc (excl. station 3):", confusion.diag().sum().item() / confusion.sum().item())
for i, t, p, conf in misses[:5]:
    print(f"window {i:3d}: true={t:<10s} pred={p:<10s} conf={conf:.2f}")
