"""Per-frame action segmentation of body-pose clips with a small transformer encoder.

Each clip is a (frames, joints, 3) array of 3D keypoints; every frame carries a
phase label (idle / reach / grasp / lift / release).  Clips have different lengths
and are padded to the longest in the batch, with padded frames ignored by the loss.
"""
import math
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import Dataset, DataLoader

CONFIG = {
    "seed": 7,
    "num_joints": 17,
    "coords": 3,
    "num_phases": 5,
    "num_clips": 48,
    "min_frames": 40,
    "max_frames": 90,
    "d_model": 64,
    "n_heads": 4,
    "n_layers": 2,
    "batch_size": 8,
    "epochs": 2,
    "lr": 3e-4,
    "pad_label": -100,
}

COCO_EDGES = [(0, 1), (0, 2), (1, 3), (2, 4), (5, 6), (5, 7), (7, 9), (6, 8), (8, 10),
              (5, 11), (6, 12), (11, 12), (11, 13), (13, 15), (12, 14), (14, 16)]


def make_clip(rng, n_frames, n_joints, n_phases):
    base = rng.normal(size=(n_joints, 3)).astype(np.float32)
    t = np.linspace(0, 2 * np.pi, n_frames, dtype=np.float32)
    motion = np.sin(t)[:, None, None] * rng.normal(scale=0.3, size=(1, n_joints, 3))
    kps = base[None] + motion.astype(np.float32) + rng.normal(scale=0.02, size=(n_frames, n_joints, 3)).astype(np.float32)
    cuts = np.sort(rng.choice(np.arange(1, n_frames), size=n_phases - 1, replace=False))
    labels = np.zeros(n_frames, dtype=np.int64)
    for k, c in enumerate(cuts):
        labels[c:] = k + 1
    return kps, labels


def normalize_skeleton(kps):
    hip_center = kps[:, [11, 12]].mean(axis=1, keepdims=True)
    centered = kps - hip_center
    shoulder_w = np.linalg.norm(kps[:, 5] - kps[:, 6], axis=-1).mean() + 1e-6
    return centered / shoulder_w


def bone_vectors(kps, edges):
    return np.stack([kps[:, b] - kps[:, a] for a, b in edges], axis=1)


class PoseClips(Dataset):
    def __init__(self, cfg):
        rng = np.random.default_rng(cfg["seed"])
        self.items = []
        for _ in range(cfg["num_clips"]):
            n = int(rng.integers(cfg["min_frames"], cfg["max_frames"] + 1))
            kps, lab = make_clip(rng, n, cfg["num_joints"], cfg["num_phases"])
            kps = normalize_skeleton(kps)
            feats = np.concatenate([kps, bone_vectors(kps, COCO_EDGES)], axis=1)
            self.items.append((feats.reshape(n, -1), lab))

    def __len__(self):
        return len(self.items)

    def __getitem__(self, i):
        x, y = self.items[i]
        return torch.from_numpy(x), torch.from_numpy(y)


def pad_collate(batch, pad_label=CONFIG["pad_label"]):
    lengths = torch.tensor([x.shape[0] for x, _ in batch])
    T = int(lengths.max())
    feat_dim = batch[0][0].shape[1]
    xs = torch.zeros(len(batch), T, feat_dim)
    ys = torch.full((len(batch), T), pad_label, dtype=torch.long)
    for i, (x, y) in enumerate(batch):
        xs[i, : x.shape[0]] = x
        ys[i, : y.shape[0]] = y
    mask = torch.arange(T)[None, :] >= lengths[:, None]
    return {"poses": xs, "phases": ys, "pad_mask": mask, "lengths": lengths}


def sinusoid_table(max_len, dim):
    pos = torch.arange(max_len).float()[:, None]
    div = torch.exp(torch.arange(0, dim, 2).float() * (-math.log(10000.0) / dim))
    table = torch.zeros(max_len, dim)
    table[:, 0::2] = torch.sin(pos * div)
    table[:, 1::2] = torch.cos(pos * div)
    return table


class PhaseSegmenter(nn.Module):
    def __init__(self, in_dim, cfg):
        super().__init__()
        self.embed = nn.Sequential(nn.Linear(in_dim, cfg["d_model"]), nn.GELU(), nn.LayerNorm(cfg["d_model"]))
        self.register_buffer("pos", sinusoid_table(512, cfg["d_model"]), persistent=False)
        layer = nn.TransformerEncoderLayer(cfg["d_model"], cfg["n_heads"], dim_feedforward=2 * cfg["d_model"],
                                           dropout=0.1, batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, cfg["n_layers"], enable_nested_tensor=False)
        self.head = nn.Linear(cfg["d_model"], cfg["num_phases"])

    def forward(self, poses, pad_mask):
        h = self.embed(poses) + self.pos[: poses.shape[1]]
        h = self.encoder(h, src_key_padding_mask=pad_mask)
        return self.head(h)


def frame_accuracy(logits, targets, ignore):
    pred = logits.argmax(-1)
    valid = targets != ignore
    return (pred[valid] == targets[valid]).float().mean().item()


def train(cfg):
    torch.manual_seed(cfg["seed"])
    ds = PoseClips(cfg)
    loader = DataLoader(ds, batch_size=cfg["batch_size"], shuffle=True, collate_fn=pad_collate)
    in_dim = ds[0][0].shape[1]
    model = PhaseSegmenter(in_dim, cfg)
    opt = torch.optim.AdamW(model.parameters(), lr=cfg["lr"])
    for epoch in range(cfg["epochs"]):
        model.train()
        running, accs = 0.0, []
        for batch in loader:
            logits = model(batch["poses"], batch["pad_mask"])
            loss = F.cross_entropy(logits.transpose(1, 2), batch["phases"], ignore_index=cfg["pad_label"])
            opt.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            running += loss.item()
            accs.append(frame_accuracy(logits.detach(), batch["phases"], cfg["pad_label"]))
        print(f"epoch {epoch}: loss {running / len(loader):.4f} frame-acc {np.mean(accs):.3f}")
    return model


if __name__ == "__main__":
    train(CONFIG)
