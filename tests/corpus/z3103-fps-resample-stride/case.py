import csv
import io
import itertools

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

TARGET_FPS = 15
CLIP_LEN = 8
FRAME_HW = 32
LABELS = ["walk", "run", "jump", "sit"]

METADATA_CSV = """video_id,fps,duration_s,label
cam01_0001,30,4.0,walk
cam01_0002,30,3.2,run
cam02_0001,60,2.5,jump
cam02_0002,25,4.4,sit
phone_0001,12,5.0,walk
cam03_0001,30,3.6,jump
cam03_0002,50,2.8,run
cam01_0003,30,4.8,sit
"""


def load_metadata(text):
    rows = []
    for row in csv.DictReader(io.StringIO(text)):
        rows.append({
            "video_id": row["video_id"],
            "fps": float(row["fps"]),
            "num_frames": int(float(row["fps"]) * float(row["duration_s"])),
            "label": LABELS.index(row["label"]),
        })
    return rows


def decode_video(meta, rng):
    base = rng.standard_normal((1, 3, FRAME_HW, FRAME_HW)).astype(np.float32)
    drift = rng.standard_normal((meta["num_frames"], 3, 1, 1)).astype(np.float32) * 0.1
    return torch.from_numpy(base + np.cumsum(drift, axis=0))


def fps_stride(src_fps, target_fps=TARGET_FPS):
    return int(src_fps // target_fps)


def clip_sampler(metadata, clip_len, clips_per_video, rng):
    for meta in metadata:
        stride = fps_stride(meta["fps"])
        span = (clip_len - 1) * stride + 1
        max_start = max(0, meta["num_frames"] - span)
        starts = np.linspace(0, max_start, clips_per_video).astype(int)
        for start in starts:
            idx = list(range(start, start + span, stride))
            idx = [min(i, meta["num_frames"] - 1) for i in idx]
            yield meta["video_id"], idx


class TinyI3D(nn.Module):
    def __init__(self, num_classes):
        super().__init__()
        self.stem = nn.Conv3d(3, 16, kernel_size=(3, 5, 5), stride=(1, 2, 2), padding=(1, 2, 2))
        self.block = nn.Conv3d(16, 32, kernel_size=3, stride=(2, 2, 2), padding=1)
        self.fc = nn.Linear(32, num_classes)

    def forward(self, clips):
        x = clips.transpose(1, 2)
        x = F.relu(self.stem(x))
        x = F.relu(self.block(x))
        return self.fc(x.mean(dim=(2, 3, 4)))


def batched(iterable, n):
    it = iter(iterable)
    while chunk := list(itertools.islice(it, n)):
        yield chunk


def main():
    torch.manual_seed(11)
    rng = np.random.default_rng(11)
    metadata = load_metadata(METADATA_CSV)
    videos = {m["video_id"]: decode_video(m, rng) for m in metadata}
    label_of = {m["video_id"]: m["label"] for m in metadata}
    print(f"decoded {len(videos)} videos, {sum(v.shape[0] for v in videos.values())} frames")

    model = TinyI3D(len(LABELS))
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)

    for epoch in range(2):
        sampler = clip_sampler(metadata, CLIP_LEN, clips_per_video=3, rng=rng)
        losses = []
        for chunk in batched(sampler, 4):
            batch = {
                "clips": torch.stack([videos[vid][idx] for vid, idx in chunk]),
                "labels": torch.tensor([label_of[vid] for vid, _ in chunk]),
            }
            logits = model(batch["clips"])
            loss = F.cross_entropy(logits, batch["labels"])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            losses.append(loss.item())
        print(f"epoch {epoch}: mean loss {np.mean(losses):.4f} over {len(losses)} batches")


if __name__ == "__main__":
    main()
