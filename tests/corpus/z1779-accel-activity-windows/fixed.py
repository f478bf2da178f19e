# Mini project: human activity recognition from a (simulated) phone accelerometer
# walking / sitting / jumping, 20 Hz, 3 axes. Baseline = small MLP on raw windows.

import math
import torch
import torch.nn as nn

torch.manual_seed(7)

RATE = 20            # samples per second
SEG_SECONDS = 10     # each activity lasts 10 s in the session
WIN = 40             # 2 second windows
STEP = 20            # 50% overlap
ACTIVITIES = ["walking", "sitting", "jumping"]

def simulate(activity, n):
    t = torch.arange(n) / RATE
    if activity == "walking":
        ax = 0.3 * torch.sin(2 * math.pi * 2.0 * t)
        ay = 0.2 * torch.cos(2 * math.pi * 1.0 * t)
        az = 9.8 + 1.5 * torch.sin(2 * math.pi * 2.0 * t)
    elif activity == "sitting":
        ax = torch.full((n,), 0.5)
        ay = torch.full((n,), 0.1)
        az = torch.full((n,), 9.7)
    else:  # jumping
        ax = 0.5 * torch.sin(2 * math.pi * 1.0 * t)
        ay = 0.1 * torch.sin(2 * math.pi * 0.5 * t)
        az = 9.8 + 6.0 * torch.sin(2 * math.pi * 1.0 * t).clamp(min=0) ** 2
    sig = torch.stack([ax, ay, az])
    return sig + 0.2 * torch.randn_like(sig)

# one long recording session: 3 rounds of walk -> sit -> jump
pieces, sample_labels = [], []
for rnd in range(3):
    for k, act in enumerate(ACTIVITIES):
        n = RATE * SEG_SECONDS
        pieces.append(simulate(act, n))
        sample_labels += [k] * n
stream = torch.cat(pieces, dim=1)            # (3 axes, total samples)
sample_labels = torch.tensor(sample_labels)
print("session:", stream.shape, "duration", stream.shape[1] / RATE, "s")

# normalise each axis
stream = (stream - stream.mean(dim=1, keepdim=True)) / stream.std(dim=1, keepdim=True)

# cut into overlapping windows -> (n_windows, 3, WIN)
windows = stream.unfold(1, WIN, STEP).transpose(0, 1).contiguous()
centers = torch.arange(windows.shape[0]) * STEP + WIN // 2
window_labels = sample_labels[centers]
print("windows:", windows.shape, "labels:", window_labels.shape)

# first two rounds for training, last round for testing
split_at = (2 * len(ACTIVITIES) * RATE * SEG_SECONDS - WIN) // STEP + 1
train_x, train_y = windows[:split_at], window_labels[:split_at]
test_x, test_y = windows[split_at:], window_labels[split_at:]
print("train windows:", len(train_x), "test windows:", len(test_x))


class ActivityMLP(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(3 * WIN, 64)
        self.fc2 = nn.Linear(64, 32)
        self.fc3 = nn.Linear(32, len(ACTIVITIES))

    def forward(self, x):
        x = x.view(-1, 3 * WIN)
        x = torch.relu(self.fc1(x))
        x = torch.relu(self.fc2(x))
        return self.fc3(x)


model = ActivityMLP()
loss_func = nn.CrossEntropyLoss()
optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)

BS = 8
for epoch in range(15):
    epoch_loss = 0.0
    for i in range(0, len(train_x), BS):
        xb = train_x[i:i + BS]
        yb = train_y[i:i + BS]
        out = model(xb)
        loss = loss_func(out, yb)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        epoch_loss += loss.item()
    if epoch % 3 == 0:
        print("epoch", epoch, "loss", round(epoch_loss, 3))

with torch.no_grad():
    test_pred = model(test_x).argmax(dim=1)
acc = (test_pred == test_y).float().mean().item()
print("test accuracy: %.3f" % acc)
for k, act in enumerate(ACTIVITIES):
    sel = test_y == k
    print(act, "recall", (test_pred[sel] == k).float().mean().item())
