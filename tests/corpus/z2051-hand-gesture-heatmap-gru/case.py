"""Dynamic hand-gesture recognition (swipe left/right, pinch, grab, wave) from
per-frame hand keypoint heatmaps.

A hand pose network gives 21 heatmaps per frame; we decode them with a soft-argmax
into (x, y, score), store the clips in the usual skeleton layout (N, C, T, V) and
train a frame-embedding + GRU classifier on top.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(11)

HAND_JOINTS = 21
HM_SIZE = 16
CLIP_LEN = 24
GESTURES = ["swipe_left", "swipe_right", "pinch", "grab", "wave"]


def render_heatmaps(centers, size=HM_SIZE, sigma=1.2):
    """centers: (frames, joints, 2) in pixel units -> (frames, joints, size, size)."""
    ys = torch.arange(size).view(1, 1, size, 1).float()
    xs = torch.arange(size).view(1, 1, 1, size).float()
    cx = centers[..., 0, None, None]
    cy = centers[..., 1, None, None]
    return torch.exp(-((xs - cx) ** 2 + (ys - cy) ** 2) / (2 * sigma ** 2))


def synth_gesture_clip(gesture_idx):
    rest = torch.rand(HAND_JOINTS, 2) * 4 + 6
    t = torch.linspace(0, 1, CLIP_LEN)[:, None, None]
    if gesture_idx == 0:
        shift = torch.tensor([-5.0, 0.0]) * t
    elif gesture_idx == 1:
        shift = torch.tensor([5.0, 0.0]) * t
    elif gesture_idx == 2:
        shift = (rest.mean(0) - rest) * 0.6 * t
    elif gesture_idx == 3:
        shift = (rest.mean(0) - rest) * 0.9 * t + torch.tensor([0.0, 1.0]) * t
    else:
        shift = torch.tensor([3.0, 0.0]) * torch.sin(t * 12.0)
    centers = (rest + shift).clamp(0, HM_SIZE - 1)
    hm = render_heatmaps(centers)
    return hm + 0.05 * torch.rand_like(hm)


def soft_argmax(heatmaps, beta=8.0):
    """heatmaps: (..., H, W) -> x, y, score each (...)."""
    h, w = heatmaps.shape[-2:]
    flat = heatmaps.flatten(-2)
    prob = F.softmax(beta * flat, dim=-1).view_as(heatmaps)
    xs = torch.arange(w, dtype=heatmaps.dtype)
    ys = torch.arange(h, dtype=heatmaps.dtype)
    x = (prob.sum(-2) * xs).sum(-1) / (w - 1)
    y = (prob.sum(-1) * ys).sum(-1) / (h - 1)
    score = flat.amax(-1)
    return x, y, score


def build_dataset(per_class):
    clips, labels = [], []
    for g in range(len(GESTURES)):
        for _ in range(per_class):
            x, y, s = soft_argmax(synth_gesture_clip(g))
            # skeleton layout: (C, T, V)
            clips.append(torch.stack([x, y, s], dim=0))
            labels.append(g)
    return torch.stack(clips), torch.tensor(labels)


class GestureGRU(nn.Module):
    def __init__(self, joints, channels, hidden, num_classes):
        super().__init__()
        self.frame_embed = nn.Sequential(
            nn.Linear(joints * channels, hidden), nn.ReLU(), nn.Linear(hidden, hidden)
        )
        self.gru = nn.GRU(hidden, hidden, batch_first=True, bidirectional=True)
        self.head = nn.Linear(2 * hidden, num_classes)

    def forward(self, skel):
        # skel: (N, C, T, V)
        n, c, t, v = skel.shape
        # center each frame on the wrist (joint 0)
        skel = torch.cat([skel[:, :2] - skel[:, :2, :, :1], skel[:, 2:]], dim=1)
        per_frame = skel.permute(0, 2, 3, 1).view(n, t, v * c)
        emb = self.frame_embed(per_frame)
        seq, _ = self.gru(emb)
        return self.head(seq.mean(1))


def main():
    train_skel, train_lbl = build_dataset(per_class=8)
    test_skel, test_lbl = build_dataset(per_class=3)
    print("train", tuple(train_skel.shape), "test", tuple(test_skel.shape))

    model = GestureGRU(HAND_JOINTS, 3, hidden=48, num_classes=len(GESTURES))
    opt = torch.optim.AdamW(model.parameters(), lr=2e-3, weight_decay=1e-4)

    for epoch in range(6):
        model.train()
        order = torch.randperm(len(train_lbl))
        epoch_loss = 0.0
        for i in range(0, len(order), 10):
            idx = order[i:i + 10]
            logits = model(train_skel[idx])
            loss = F.cross_entropy(logits, train_lbl[idx], label_smoothing=0.05)
            opt.zero_grad()
            loss.backward()
            opt.step()
            epoch_loss += loss.item() * len(idx)
        model.eval()
        with torch.no_grad():
            acc = (model(test_skel).argmax(-1) == test_lbl).float().mean().item()
        print(f"epoch {epoch}: train loss {epoch_loss / len(train_lbl):.3f} test acc {acc:.2f}")


if __name__ == "__main__":
    main()
