"""Fine-tune a tiny VideoMAE on a UCF-style split (classInd.txt + trainlist).

Clips are sampled uniformly with a temporal stride, frames kept as (T, C, H, W).
"""
import os
import random
import zlib

import numpy as np
import torch
from torch.utils.data import Dataset, DataLoader, Sampler
from transformers import VideoMAEConfig, VideoMAEForVideoClassification

HERE = os.path.dirname(os.path.abspath(__file__))
SPLIT_DIR = os.path.join(HERE, "ucf_mini_split")
NUM_FRAMES = 4
STRIDE = 3
SIZE = 32

random.seed(7)
np.random.seed(7)
torch.manual_seed(7)


def write_fake_split():
    os.makedirs(SPLIT_DIR, exist_ok=True)
    classes = ["ApplyEyeMakeup", "Archery", "BabyCrawling", "BalanceBeam", "Basketball"]
    with open(os.path.join(SPLIT_DIR, "classInd.txt"), "w") as f:
        for i, name in enumerate(classes, start=1):
            f.write(f"{i} {name}\n")
    with open(os.path.join(SPLIT_DIR, "trainlist01.txt"), "w") as f:
        for name in classes[::-1]:
            for g in range(1, 4):
                f.write(f"{name}/v_{name}_g{g:02d}_c01.avi\n")


def read_class_index(path):
    class_to_idx = {}
    with open(path) as f:
        for line in f:
            idx, name = line.split()
            class_to_idx[name] = int(idx)
    return class_to_idx


def decode_video(rel_path, num_frames_total):
    rng = np.random.default_rng(zlib.crc32(rel_path.encode()))
    return rng.random((num_frames_total, 3, SIZE, SIZE), dtype=np.float32)


class UCFClips(Dataset):
    def __init__(self, list_file, class_to_idx):
        with open(list_file) as f:
            self.items = [ln.strip() for ln in f if ln.strip()]
        self.class_to_idx = class_to_idx
        self.lengths = [random.randint(20, 40) for _ in self.items]

    def __len__(self):
        return len(self.items)

    def __getitem__(self, key):
        i, start = key
        rel = self.items[i]
        video = decode_video(rel, self.lengths[i])
        frame_ids = start + STRIDE * np.arange(NUM_FRAMES)
        clip = torch.from_numpy(video[frame_ids])
        clip = (clip - 0.45) / 0.225
        label = self.class_to_idx[rel.split("/")[0]]
        return clip, label


class StridedClipSampler(Sampler):
    def __init__(self, lengths, clips_per_video=2, shuffle=True):
        self.lengths = lengths
        self.clips_per_video = clips_per_video
        self.shuffle = shuffle

    def _starts(self, n):
        span = STRIDE * (NUM_FRAMES - 1) + 1
        return [random.randint(0, n - span) for _ in range(self.clips_per_video)]

    def __iter__(self):
        keys = [(i, s) for i, n in enumerate(self.lengths) for s in self._starts(n)]
        if self.shuffle:
            random.shuffle(keys)
        return iter(keys)

    def __len__(self):
        return len(self.lengths) * self.clips_per_video


def collate(batch):
    clips, labels = zip(*batch)
    return {"pixel_values": torch.stack(clips), "labels": torch.tensor(labels)}


def main():
    write_fake_split()
    class_to_idx = read_class_index(os.path.join(SPLIT_DIR, "classInd.txt"))
    train_set = UCFClips(os.path.join(SPLIT_DIR, "trainlist01.txt"), class_to_idx)
    sampler = StridedClipSampler(train_set.lengths, clips_per_video=2)
    loader = DataLoader(train_set, batch_size=6, sampler=sampler, collate_fn=collate)

    config = VideoMAEConfig(
        image_size=SIZE, patch_size=8, num_channels=3, num_frames=NUM_FRAMES, tubelet_size=2,
        hidden_size=32, num_hidden_layers=1, num_attention_heads=2, intermediate_size=64,
        num_labels=len(class_to_idx),
        id2label={v: k for k, v in class_to_idx.items()},
        label2id=dict(class_to_idx),
    )
    model = VideoMAEForVideoClassification(config)
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-4, weight_decay=0.05)

    model.train()
    for epoch in range(2):
        total, correct, seen = 0.0, 0, 0
        for batch in loader:
            out = model(**batch)
            optimizer.zero_grad()
            out.loss.backward()
            optimizer.step()
            total += out.loss.item() * batch["labels"].numel()
            correct += (out.logits.argmax(-1) == batch["labels"]).sum().item()
            seen += batch["labels"].numel()
        print(f"epoch {epoch}: loss {total / seen:.4f} acc {correct / seen:.3f}")


if __name__ == "__main__":
    main()
