"""Isolated sign-language word recognition from signer video clips.

Clips of the same sign are recorded by different signers at different speeds, so
frame counts vary a lot. Each clip is reduced to NUM_SAMPLED frames with
segment-based sampling (one frame per equal-length segment, jittered during
training), a small CNN embeds the frames, and a GRU reads the sequence.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import Dataset, DataLoader

torch.manual_seed(0)

GLOSSES = ["HELLO", "THANK-YOU", "PLEASE", "SORRY", "YES", "NO", "HELP", "WATER"]
NUM_SAMPLED = 12
CROP = 28


def segment_positions(num_frames, num_samples, jitter):
    if num_frames < num_samples:
        pos = torch.arange(num_frames)
        pad = pos[-1].repeat(num_samples - num_frames)
        return torch.cat([pos, pad])
    seg_len = num_frames / num_samples
    starts = torch.arange(num_samples) * seg_len
    if jitter:
        offsets = torch.rand(num_samples) * seg_len
    else:
        offsets = torch.full((num_samples,), seg_len / 2)
    return (starts + offsets).floor().clamp(max=num_frames - 1).long()


class SignClips(Dataset):
    def __init__(self, n_clips, train):
        self.train = train
        self.items = []
        for _ in range(n_clips):
            length = int(torch.randint(8, 60, ()).item())
            video = torch.rand(length, 3, CROP, CROP)
            gloss = int(torch.randint(0, len(GLOSSES), ()).item())
            self.items.append((video, gloss))

    def __len__(self):
        return len(self.items)

    def __getitem__(self, i):
        video, gloss = self.items[i]
        pos = segment_positions(video.shape[0], NUM_SAMPLED, jitter=self.train)
        clip = video[pos]
        if self.train and torch.rand(()) < 0.5:
            clip = clip.flip(-1)
        return clip, gloss


class HandShapeCNN(nn.Module):
    def __init__(self, out_dim=64):
        super().__init__()
        self.body = nn.Sequential(
            nn.Conv2d(3, 16, 3, padding=1), nn.BatchNorm2d(16), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(16, 32, 3, padding=1), nn.BatchNorm2d(32), nn.ReLU(), nn.MaxPool2d(2),
            nn.AdaptiveAvgPool2d(1), nn.Flatten(),
        )
        self.out = nn.Linear(32, out_dim)

    def forward(self, x):
        return self.out(self.body(x))


class SignRecognizer(nn.Module):
    def __init__(self, n_glosses, feat_dim=64, hidden=64):
        super().__init__()
        self.cnn = HandShapeCNN(feat_dim)
        self.gru = nn.GRU(feat_dim, hidden, batch_first=True, bidirectional=True)
        self.cls = nn.Linear(2 * hidden, n_glosses)

    def forward(self, clips):
        b, t = clips.shape[:2]
        feats = self.cnn(clips.flatten(0, 1)).view(b, t, -1)
        seq, _ = self.gru(feats)
        return self.cls(seq.mean(dim=1))


train_loader = DataLoader(SignClips(24, train=True), batch_size=6, shuffle=True)
val_loader = DataLoader(SignClips(12, train=False), batch_size=6)

model = SignRecognizer(len(GLOSSES))
optim = torch.optim.Adam(model.parameters(), lr=1e-3)

for epoch in range(3):
    model.train()
    running = 0.0
    for clips, glosses in train_loader:
        logits = model(clips)
        loss = F.cross_entropy(logits, glosses)
        optim.zero_grad()
        loss.backward()
        optim.step()
        running += loss.item() * clips.shape[0]
    model.eval()
    correct = 0
    with torch.no_grad():
        for clips, glosses in val_loader:
            correct += (model(clips).argmax(-1) == glosses).sum().item()
    print(f"epoch {epoch}: train loss {running / len(train_loader.dataset):.4f} "
          f"val acc {correct / len(val_loader.dataset):.3f}")
