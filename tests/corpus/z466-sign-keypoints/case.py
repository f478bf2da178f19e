# %% [markdown]
# Isolated sign recognition from hand keypoints (MediaPipe-style: 2 hands x 21 landmarks x xyz)

# %%
import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, TensorDataset

np.random.seed(3)
torch.manual_seed(3)

SIGNS = ["hello", "thanks", "yes", "no", "please", "sorry", "help", "more", "eat", "drink"]
N_HANDS, N_LANDMARKS, N_COORDS = 2, 21, 3
FEAT_DIM = N_HANDS * N_LANDMARKS * N_COORDS
SEQ_LEN = 30
HIDDEN = 64

# %%
# fake recordings: each sign gets its own mean trajectory + jitter
def fake_clip(label):
    rng = np.random.default_rng(label * 100 + np.random.randint(1000))
    t = np.linspace(0, 1, SEQ_LEN)[:, None]
    base = np.sin(2 * np.pi * (label + 1) * t + np.arange(FEAT_DIM)[None, :] / FEAT_DIM)
    return (base + 0.1 * rng.standard_normal((SEQ_LEN, FEAT_DIM))).astype(np.float32)

labels = np.random.randint(0, len(SIGNS), size=48)
clips = np.stack([fake_clip(l) for l in labels])
print(clips.shape)

def normalise(x):
    # centre every frame on the wrist landmark of each hand
    x = x.reshape(*x.shape[:2], N_HANDS, N_LANDMARKS, N_COORDS)
    x = x - x[:, :, :, :1, :]
    return x.reshape(*x.shape[:2], -1)

X = torch.from_numpy(normalise(clips))
y = torch.from_numpy(labels).long()
split = 40
train_dl = DataLoader(TensorDataset(X[:split], y[:split]), batch_size=8, shuffle=True)
val_dl = DataLoader(TensorDataset(X[split:], y[split:]), batch_size=8)

# %%
class SignLSTM(nn.Module):
    def __init__(self, feat_dim, hidden, n_classes):
        super().__init__()
        self.inp = nn.Sequential(nn.LayerNorm(feat_dim), nn.Linear(feat_dim, hidden), nn.GELU())
        self.lstm = nn.LSTM(hidden, hidden, num_layers=1, batch_first=True, bidirectional=True)
        self.dropout = nn.Dropout(0.2)
        self.head = nn.Linear(hidden, n_classes)

    def forward(self, x):
        x = self.inp(x)
        _, (h_n, _) = self.lstm(x)
        # last layer, forward + backward direction
        feats = torch.cat([h_n[-2], h_n[-1]], dim=1)
        return self.head(self.dropout(feats))

model = SignLSTM(FEAT_DIM, HIDDEN, len(SIGNS))
opt = torch.optim.Adam(model.parameters(), lr=2e-3)
criterion = nn.CrossEntropyLoss()
sum(p.numel() for p in model.parameters())

# %%
for epoch in range(3):
    model.train()
    losses = []
    for xb, yb in train_dl:
        logits = model(xb)
        loss = criterion(logits, yb)
        opt.zero_grad()
        loss.backward()
        opt.step()
        losses.append(loss.item())
    print(f"epoch {epoch}  train loss {np.mean(losses):.3f}")

# %%
model.eval()
hits = 0
with torch.no_grad():
    for xb, yb in val_dl:
        hits += (model(xb).argmax(1) == yb).sum().item()
print(f"val acc: {hits / len(val_dl.dataset):.2f}")
