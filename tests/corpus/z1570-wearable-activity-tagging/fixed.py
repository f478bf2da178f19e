"""Per-timestep activity tagging from a wrist-worn IMU.

A synthetic recording (accelerometer + gyroscope, 6 channels at 25 Hz) is
written to CSV with the annotated activity of every sample. The stream is
standardised, cut into overlapping windows and a bidirectional GRU predicts
the activity at every step of each window.
"""
import os
import tempfile

import numpy as np
import torch
import torch.nn as nn
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

WINDOW = 50
HOP = 25
rng = np.random.default_rng(11)

ACTIVITIES = ["sitting", "standing", "walking", "stairs_up", "stairs_down", "cycling"]
tmpdir = tempfile.mkdtemp(prefix="imu_")
rec_path = os.path.join(tmpdir, "session.csv")

with open(rec_path, "w") as fh:
    fh.write("t,ax,ay,az,gx,gy,gz,activity\n")
    t = 0.0
    for bout in range(28):
        act = rng.integers(len(ACTIVITIES))
        n = int(rng.integers(60, 160))
        base = rng.normal(act * 0.4, 0.2, size=6)
        freq = 0.5 + act * 0.3
        for _ in range(n):
            osc = np.sin(2 * np.pi * freq * t)
            vals = base + osc * (0.1 + 0.15 * act) + rng.normal(0, 0.05, size=6)
            fh.write(f"{t:.2f}," + ",".join(f"{v:.4f}" for v in vals) + f",{ACTIVITIES[act]}\n")
            t += 0.04

signals = np.loadtxt(rec_path, delimiter=",", skiprows=1, usecols=range(1, 7), dtype=np.float32)
activity_names = np.loadtxt(rec_path, delimiter=",", skiprows=1, usecols=7, dtype=str)
activity_vocab, activity_codes = np.unique(activity_names, return_inverse=True)
print(f"{len(signals)} samples, activities: {activity_vocab.tolist()}")

scaler = StandardScaler()
signals = scaler.fit_transform(signals).astype(np.float32)

starts = np.arange(0, len(signals) - WINDOW + 1, HOP)
win_idx = starts[:, None] + np.arange(WINDOW)[None, :]
segments = signals[win_idx]
segment_tags = activity_codes[win_idx]

seg_train, seg_test, tag_train, tag_test = train_test_split(
    segments, segment_tags, test_size=0.2, random_state=5, shuffle=True)

x_train = torch.from_numpy(seg_train)
y_train = torch.from_numpy(tag_train).long()
x_test = torch.from_numpy(seg_test)
y_test = torch.from_numpy(tag_test).long()


class StepTagger(nn.Module):
    def __init__(self, n_channels, n_activities, hidden=32):
        super().__init__()
        self.proj = nn.Linear(n_channels, hidden)
        self.rnn = nn.GRU(hidden, hidden, batch_first=True, bidirectional=True)
        self.out = nn.Linear(2 * hidden, n_activities)

    def forward(self, x):
        h, _ = self.rnn(torch.relu(self.proj(x)))
        return self.out(h)


tagger = StepTagger(signals.shape[1], len(activity_vocab))
optimizer = torch.optim.Adam(tagger.parameters(), lr=2e-3)
step_loss = nn.CrossEntropyLoss()
loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(x_train, y_train),
                                     batch_size=16, shuffle=True)

for epoch in range(1):
    tagger.train()
    seen, acc_loss = 0, 0.0
    for xb, yb in loader:
        scores = tagger(xb)
        loss = step_loss(scores.permute(0, 2, 1), yb)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        acc_loss += loss.item() * len(xb)
        seen += len(xb)
    tagger.eval()
    with torch.no_grad():
        pred = tagger(x_test).argmax(-1)
        step_acc = (pred == y_test).float().mean().item()
    print(f"epoch {epoch}: loss {acc_loss / seen:.4f}  step accuracy {step_acc:.3f}")

per_class = [(pred[y_test == c] == c).float().mean().item() for c in range(len(activity_vocab))
             if (y_test == c).any()]
print("per-activity recall:", np.round(per_class, 3))
