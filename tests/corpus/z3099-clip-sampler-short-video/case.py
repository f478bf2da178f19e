"""C3D-style clip classifier trained with a multi-clip-per-video sampler."""
import random
from collections import Counter

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import Dataset, DataLoader, Sampler

SEED = 3
CLIP_LEN = 8
TEMPORAL_STRIDE = 2
HOP = 6
CLIPS_PER_VIDEO = 3
RES = 24
LABELS = ["dribble", "pass", "shoot", "tackle"]

rng_np = np.random.default_rng(SEED)
torch.manual_seed(SEED)


def build_manifest(n_videos=16):
    manifest = []
    for v in range(n_videos):
        manifest.append({
            "video_id": f"match03_cam{v % 4}_{v:04d}",
            "num_frames": int(rng_np.integers(20, 90)),
            "label": LABELS[v % len(LABELS)],
        })
    return manifest


class VideoStore:
    def __init__(self, manifest):
        self._cache = {}
        for item in manifest:
            n = item["num_frames"]
            self._cache[item["video_id"]] = rng_np.standard_normal(
                (n, 3, RES, RES)).astype(np.float32)

    def frames(self, video_id, idx):
        return torch.from_numpy(self._cache[video_id][idx])


class ClipDataset(Dataset):
    def __init__(self, manifest, store):
        self.manifest = manifest
        self.store = store
        self.label_to_id = {name: i for i, name in enumerate(LABELS)}

    def __len__(self):
        return len(self.manifest)

    def __getitem__(self, key):
        vid, start = key
        item = self.manifest[vid]
        idx = np.arange(start, start + CLIP_LEN * TEMPORAL_STRIDE, TEMPORAL_STRIDE)
        clip = self.store.frames(item["video_id"], idx)
        return {"clip": clip, "label": self.label_to_id[item["label"]]}


class MultiClipSampler(Sampler):
    def __init__(self, manifest, clips_per_video, seed=0):
        self.lengths = [m["num_frames"] for m in manifest]
        self.clips_per_video = clips_per_video
        self.seed = seed
        self.epoch = 0

    def set_epoch(self, epoch):
        self.epoch = epoch

    def _candidates(self, n):
        span = CLIP_LEN * TEMPORAL_STRIDE
        return list(range(0, n - span + 1, HOP))

    def __iter__(self):
        rng = random.Random(self.seed + self.epoch)
        keys = []
        for vid, n in enumerate(self.lengths):
            starts = rng.sample(self._candidates(n), self.clips_per_video)
            keys.extend((vid, s) for s in starts)
        rng.shuffle(keys)
        yield from keys


class C3DTiny(nn.Module):
    def __init__(self, num_classes):
        super().__init__()
        def block(cin, cout, pool):
            return nn.Sequential(nn.Conv3d(cin, cout, 3, padding=1), nn.BatchNorm3d(cout),
                                 nn.ReLU(inplace=True), nn.MaxPool3d(pool))
        self.features = nn.Sequential(block(3, 16, (1, 2, 2)), block(16, 32, (2, 2, 2)),
                                      block(32, 64, (2, 2, 2)))
        self.head = nn.Sequential(nn.AdaptiveAvgPool3d(1), nn.Flatten(), nn.Dropout(0.3),
                                  nn.Linear(64, num_classes))

    def forward(self, clip_tchw):
        return self.head(self.features(clip_tchw.permute(0, 2, 1, 3, 4)))


def run():
    manifest = build_manifest()
    print("label counts:", Counter(m["label"] for m in manifest))
    store = VideoStore(manifest)
    ds = ClipDataset(manifest, store)
    sampler = MultiClipSampler(manifest, CLIPS_PER_VIDEO, seed=SEED)
    loader = DataLoader(ds, batch_size=8, sampler=sampler)

    model = C3DTiny(len(LABELS))
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    crit = nn.CrossEntropyLoss()
    for epoch in range(2):
        sampler.set_epoch(epoch)
        model.train()
        losses = []
        for batch in loader:
            loss = crit(model(batch["clip"]), batch["label"])
            opt.zero_grad()
            loss.backward()
            opt.step()
            losses.append(loss.item())
        print(f"epoch {epoch} mean loss {np.mean(losses):.4f} over {len(losses)} batches")


if __name__ == "__main__":
    run()
