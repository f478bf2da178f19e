import random
from dataclasses import dataclass, field

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, Dataset, Sampler

SEED = 7
NUM_CLASSES = 6
FRAME_SIZE = 32
CLIP_LEN = 8
TEMPORAL_STRIDE = 4


@dataclass
class VideoRecord:
    video_id: str
    num_frames: int
    label: int
    frames: torch.Tensor = field(repr=False)


def make_synthetic_videos(n_videos, rng):
    records = []
    for i in range(n_videos):
        n_frames = int(rng.integers(20, 90))
        frames = torch.from_numpy(
            rng.standard_normal((n_frames, 3, FRAME_SIZE, FRAME_SIZE)).astype(np.float32)
        )
        records.append(VideoRecord(f"vid_{i:04d}", n_frames, int(rng.integers(0, NUM_CLASSES)), frames))
    return records


def strided_indices(num_frames, clip_len, stride, start):
    stop = min(start + clip_len * stride, num_frames)
    return list(range(start, stop, stride))


class ClipDataset(Dataset):
    def __init__(self, records, clip_len, stride, train=True):
        self.records = records
        self.clip_len = clip_len
        self.stride = stride
        self.train = train

    def __len__(self):
        return len(self.records)

    def __getitem__(self, idx):
        rec = self.records[idx]
        span = self.clip_len * self.stride
        if self.train and rec.num_frames > span:
            start = random.randint(0, rec.num_frames - span)
        else:
            start = 0
        idxs = strided_indices(rec.num_frames, self.clip_len, self.stride, start)
        clip = rec.frames[idxs]
        clip = (clip - clip.mean()) / (clip.std() + 1e-6)
        return {"clip": clip, "label": torch.tensor(rec.label), "video_id": rec.video_id}


class BalancedClipSampler(Sampler):
    def __init__(self, records, clips_per_video=2, seed=0):
        self.records = records
        self.clips_per_video = clips_per_video
        self.seed = seed

    def __iter__(self):
        g = random.Random(self.seed)
        order = [i for i in range(len(self.records)) for _ in range(self.clips_per_video)]
        g.shuffle(order)
        return iter(order)

    def __len__(self):
        return len(self.records) * self.clips_per_video


class C3DLite(nn.Module):
    def __init__(self, num_classes):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv3d(3, 16, kernel_size=3, padding=1),
            nn.BatchNorm3d(16),
            nn.ReLU(inplace=True),
            nn.MaxPool3d((1, 2, 2)),
            nn.Conv3d(16, 32, kernel_size=3, padding=1),
            nn.BatchNorm3d(32),
            nn.ReLU(inplace=True),
            nn.AdaptiveAvgPool3d(1),
        )
        self.head = nn.Linear(32, num_classes)

    def forward(self, x):
        # x: (B, T, C, H, W) -> (B, C, T, H, W)
        x = x.permute(0, 2, 1, 3, 4)
        return self.head(self.features(x).flatten(1))


def train_one_epoch(model, loader, optimizer, criterion):
    model.train()
    total, correct, running = 0, 0, 0.0
    for step, batch in enumerate(loader):
        logits = model(batch["clip"])
        loss = criterion(logits, batch["label"])
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        running += loss.item() * logits.size(0)
        correct += (logits.argmax(-1) == batch["label"]).sum().item()
        total += logits.size(0)
        if step % 5 == 0:
            print(f"step {step:3d} loss {loss.item():.4f}")
    return running / total, correct / total


def main():
    random.seed(SEED)
    torch.manual_seed(SEED)
    rng = np.random.default_rng(SEED)

    records = make_synthetic_videos(24, rng)
    print("shortest video:", min(r.num_frames for r in records), "frames")

    train_ds = ClipDataset(records, CLIP_LEN, TEMPORAL_STRIDE, train=True)
    sampler = BalancedClipSampler(records, clips_per_video=2, seed=SEED)
    loader = DataLoader(train_ds, batch_size=4, sampler=sampler, num_workers=0)

    model = C3DLite(NUM_CLASSES)
    optimizer = torch.optim.AdamW(model.parameters(), lr=3e-4, weight_decay=0.05)
    criterion = nn.CrossEntropyLoss(label_smoothing=0.1)

    for epoch in range(2):
        loss, acc = train_one_epoch(model, loader, optimizer, criterion)
        print(f"epoch {epoch} loss {loss:.4f} acc {acc:.3f}")


if __name__ == "__main__":
    main()
