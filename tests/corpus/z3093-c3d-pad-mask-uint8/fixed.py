import random

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, IterableDataset

SEED = 7
NUM_CLASSES = 6
IGNORE = -100
CLIP_STRIDE = 2
MAX_CLIP_LEN = 12
RES = 24

random.seed(SEED)
np.random.seed(SEED)
torch.manual_seed(SEED)


def make_video(rng, n_frames):
    video = rng.normal(0.0, 1.0, size=(n_frames, 3, RES, RES)).astype(np.float32)
    n_segments = rng.integers(1, 4)
    bounds = np.sort(rng.choice(np.arange(1, n_frames), size=n_segments - 1, replace=False))
    seg_ids = np.searchsorted(bounds, np.arange(n_frames), side="right")
    seg_classes = rng.integers(0, NUM_CLASSES, size=n_segments)
    return video, seg_classes[seg_ids]


class StridedClipStream(IterableDataset):
    def __init__(self, n_videos, stride, max_len, seed):
        self.n_videos = n_videos
        self.stride = stride
        self.max_len = max_len
        self.seed = seed

    def __iter__(self):
        rng = np.random.default_rng(self.seed)
        for _ in range(self.n_videos):
            video, labels = make_video(rng, int(rng.integers(10, 40)))
            idx = np.arange(0, len(video), self.stride)[: self.max_len]
            yield {
                "frames": torch.from_numpy(video[idx]),
                "labels": torch.from_numpy(labels[idx]).long(),
            }


def pad_collate(samples):
    lengths = [s["frames"].shape[0] for s in samples]
    t_max = max(lengths)
    b = len(samples)
    frames = torch.zeros(b, t_max, 3, RES, RES)
    labels = torch.full((b, t_max), IGNORE, dtype=torch.long)
    pad = np.ones((b, t_max), dtype=bool)
    for i, (s, n) in enumerate(zip(samples, lengths)):
        frames[i, :n] = s["frames"]
        labels[i, :n] = s["labels"]
        pad[i, :n] = 0
    clip_label = torch.stack([torch.mode(s["labels"]).values for s in samples])
    return {"frames": frames, "labels": labels, "pad_mask": torch.from_numpy(pad),
            "clip_label": clip_label, "lengths": torch.tensor(lengths)}


class C3DStem(nn.Module):
    def __init__(self, width=32):
        super().__init__()
        self.block = nn.Sequential(
            nn.Conv3d(3, width, kernel_size=(3, 3, 3), padding=1, stride=(1, 2, 2)),
            nn.BatchNorm3d(width),
            nn.ReLU(inplace=True),
            nn.Conv3d(width, width, kernel_size=(3, 3, 3), padding=1, stride=(1, 2, 2)),
            nn.BatchNorm3d(width),
            nn.ReLU(inplace=True),
        )

    def forward(self, x):
        x = x.permute(0, 2, 1, 3, 4)
        x = self.block(x)
        x = x.mean(dim=(3, 4))
        return x.transpose(1, 2)


class AttnPool(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.score = nn.Linear(dim, 1)

    def forward(self, h, pad_mask):
        s = self.score(h).squeeze(-1)
        s = s.masked_fill(pad_mask, float("-inf"))
        w = s.softmax(dim=1)
        return torch.einsum("bt,btd->bd", w, h)


class SegmentAndClassify(nn.Module):
    def __init__(self, width=32, n_classes=NUM_CLASSES):
        super().__init__()
        self.stem = C3DStem(width)
        self.temporal = nn.GRU(width, width, batch_first=True, bidirectional=True)
        self.frame_cls = nn.Linear(2 * width, n_classes)
        self.pool = AttnPool(2 * width)
        self.clip_cls = nn.Linear(2 * width, n_classes)

    def forward(self, frames, pad_mask):
        h, _ = self.temporal(self.stem(frames))
        return self.frame_cls(h), self.clip_cls(self.pool(h, pad_mask))


def build_step(model, optimizer):
    def step(batch):
        frame_logits, clip_logits = model(batch["frames"], batch["pad_mask"])
        seg_loss = F.cross_entropy(frame_logits.flatten(0, 1), batch["labels"].flatten(), ignore_index=IGNORE)
        cls_loss = F.cross_entropy(clip_logits, batch["clip_label"])
        loss = seg_loss + cls_loss
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        with torch.no_grad():
            valid = batch["labels"] != IGNORE
            acc = (frame_logits.argmax(-1)[valid] == batch["labels"][valid]).float().mean().item()
        return loss.item(), acc
    return step


def main():
    stream = StridedClipStream(n_videos=16, stride=CLIP_STRIDE, max_len=MAX_CLIP_LEN, seed=SEED)
    loader = DataLoader(stream, batch_size=4, collate_fn=pad_collate)
    model = SegmentAndClassify()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    step = build_step(model, optimizer)
    for epoch in range(2):
        history = [step(batch) for batch in loader]
        losses, accs = zip(*history)
        print(f"epoch {epoch}: loss={np.mean(losses):.3f} frame_acc={np.mean(accs):.3f}")


if __name__ == "__main__":
    main()
