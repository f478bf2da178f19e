from dataclasses import dataclass

import torch
import torch.nn as nn
from torch.utils.data import DataLoader, Dataset

torch.manual_seed(1)

ACTIVITIES = ["walking", "running", "cycling"]
WINDOW = 24


@dataclass
class Window:
    accel: torch.Tensor   # (WINDOW, 3) accelerometer x/y/z
    activity: int


def synth_windows(n):
    out = []
    for _ in range(n):
        act = torch.randint(0, len(ACTIVITIES), ()).item()
        t = torch.linspace(0, 6.28, WINDOW).unsqueeze(1)
        freq = 1.0 + 1.5 * act
        sig = torch.sin(freq * t + torch.rand(1, 3)) * (0.5 + act) + 0.2 * torch.randn(WINDOW, 3)
        out.append(Window(sig, act))
    return out


class WindowSet(Dataset):
    def __init__(self, windows):
        self.windows = windows

    def __len__(self):
        return len(self.windows)

    def __getitem__(self, i):
        w = self.windows[i]
        return w.accel, w.activity


class ActivityGRU(nn.Module):
    def __init__(self, hidden=32):
        super().__init__()
        self.rnn = nn.GRU(3, hidden, batch_first=True)
        self.out = nn.Linear(hidden, len(ACTIVITIES))

    def forward(self, seq):
        _, h_n = self.rnn(seq)
        return self.out(h_n[-1])


def batched_logits(model, loader):
    model.eval()
    with torch.no_grad():
        for accel, _ in loader:
            yield model(accel)


def evaluate(model, loader):
    logits = torch.stack(list(batched_logits(model, loader)))
    gold = torch.tensor([w.activity for w in loader.dataset.windows])
    preds = logits.argmax(dim=-1)
    return (preds == gold).float().mean().item()


train_ds = WindowSet(synth_windows(160))
val_ds = WindowSet(synth_windows(78))
train_dl = DataLoader(train_ds, batch_size=32, shuffle=True)
val_dl = DataLoader(val_ds, batch_size=32, shuffle=False)

net = ActivityGRU()
opt = torch.optim.Adam(net.parameters(), lr=5e-3)
loss_fn = nn.CrossEntropyLoss()

for epoch in range(4):
    net.train()
    for accel, act in train_dl:
        opt.zero_grad()
        loss = loss_fn(net(accel), act)
        loss.backward()
        opt.step()
    print(f"epoch {epoch} train loss {loss.item():.3f} val acc {evaluate(net, val_dl):.3f}")
