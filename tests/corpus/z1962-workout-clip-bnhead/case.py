"""Exercise recognition from home-workout phone videos.

Every clip is reduced to a fixed number of uniformly sampled frames, each frame
is embedded by a small CNN, and mean+max temporal pooling feeds an MLP head.
"""
import random

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, Dataset

random.seed(5)
torch.manual_seed(5)

EXERCISES = ["squat", "push_up", "lunge", "plank", "jumping_jack", "burpee"]
FRAMES_PER_CLIP = 8
SIDE = 36
BATCH_SIZE = 4


def record_session(n):
    sessions = []
    for k in range(n):
        length = random.randint(20, 90)
        sessions.append({
            "clip": torch.rand(length, 3, SIDE, SIDE),
            "exercise": random.randrange(len(EXERCISES)),
            "user": f"user{k % 7}",
        })
    return sessions


class WorkoutClips(Dataset):
    def __init__(self, sessions, n_frames):
        self.sessions = sessions
        self.n_frames = n_frames

    def __len__(self):
        return len(self.sessions)

    def __getitem__(self, i):
        s = self.sessions[i]
        total = s["clip"].shape[0]
        picks = torch.linspace(0, total - 1, self.n_frames).round().long()
        return s["clip"][picks], s["exercise"]


class FrameCNN(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.net = nn.Sequential(
            nn.Conv2d(3, 16, 3, stride=2, padding=1), nn.BatchNorm2d(16), nn.ReLU(),
            nn.Conv2d(16, 32, 3, stride=2, padding=1), nn.BatchNorm2d(32), nn.ReLU(),
            nn.Conv2d(32, dim, 3, stride=2, padding=1), nn.ReLU(),
            nn.AdaptiveAvgPool2d(1), nn.Flatten(),
        )

    def forward(self, x):
        return self.net(x)


class ExerciseNet(nn.Module):
    def __init__(self, n_classes, dim=32, hidden=64):
        super().__init__()
        self.frame_cnn = FrameCNN(dim)
        self.head = nn.Sequential(
            nn.Linear(2 * dim, hidden), nn.BatchNorm1d(hidden), nn.ReLU(),
            nn.Dropout(0.3), nn.Linear(hidden, n_classes),
        )

    def forward(self, clips):
        b, t = clips.shape[:2]
        per_frame = self.frame_cnn(clips.flatten(0, 1)).view(b, t, -1)
        pooled = torch.cat([per_frame.mean(1), per_frame.amax(1)], dim=-1)
        return self.head(pooled)


def evaluate(model, loader):
    model.eval()
    hits, count = 0, 0
    with torch.no_grad():
        for clips, labels in loader:
            hits += (model(clips).argmax(-1) == labels).sum().item()
            count += labels.numel()
    return hits / max(count, 1)


def main():
    sessions = record_session(26)
    random.shuffle(sessions)
    n_val = int(0.2 * len(sessions))
    val_sessions, train_sessions = sessions[:n_val], sessions[n_val:]
    print(f"train clips: {len(train_sessions)}  val clips: {len(val_sessions)}")

    train_loader = DataLoader(WorkoutClips(train_sessions, FRAMES_PER_CLIP),
                              batch_size=BATCH_SIZE, shuffle=True)
    val_loader = DataLoader(WorkoutClips(val_sessions, FRAMES_PER_CLIP),
                            batch_size=BATCH_SIZE)

    model = ExerciseNet(len(EXERCISES))
    optim = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(optim, T_max=3)
    for epoch in range(3):
        model.train()
        epoch_loss = 0.0
        for clips, labels in train_loader:
            logits = model(clips)
            loss = F.cross_entropy(logits, labels, label_smoothing=0.1)
            optim.zero_grad()
            loss.backward()
            optim.step()
            epoch_loss += loss.item() * labels.numel()
        sched.step()
        val_acc = evaluate(model, val_loader)
        print(f"epoch {epoch}: train loss {epoch_loss / len(train_sessions):.4f} "
              f"val acc {val_acc:.3f}")


if __name__ == "__main__":
    main()
