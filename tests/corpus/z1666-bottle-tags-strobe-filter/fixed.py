# Glass bottle inspection: multi-label tags per frame (crack, bubble, stain, chip)
# from the side-wall camera. Frames where the strobe misfired are dropped before training.
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(3)

TAGS = ["crack", "bubble", "stain", "chip"]
FRAME_H, FRAME_W = 96, 64
CROP_H, CROP_W = 80, 48
OVEREXPOSED = 0.85


def capture_run(n):
    frames = torch.rand(n, 1, FRAME_H, FRAME_W) * 0.3 + 0.3
    tags = (torch.rand(n, len(TAGS)) < 0.3).float()
    for i in range(n):
        if tags[i, 0]:
            frames[i, 0, 10:70, 30:32] = 0.05             # vertical crack
        if tags[i, 1]:
            frames[i, 0, 40:46, 20:26] = 0.9              # trapped bubble highlight
        if tags[i, 2]:
            frames[i, 0, 60:80, 10:40] *= 0.5             # residue stain
        if tags[i, 3]:
            frames[i, 0, 0:6, 24:40] = 0.0                # chipped finish at the neck
    misfires = torch.tensor([5, 17, 22, 31])
    frames[misfires] = 0.97                               # strobe fired twice: washed out
    return frames, tags


def crop_and_jitter(img, train):
    if train:
        top = torch.randint(0, FRAME_H - CROP_H + 1, (1,)).item()
        left = torch.randint(0, FRAME_W - CROP_W + 1, (1,)).item()
    else:
        top, left = (FRAME_H - CROP_H) // 2, (FRAME_W - CROP_W) // 2
    out = img[:, top:top + CROP_H, left:left + CROP_W]
    if train:
        out = out * (0.9 + 0.2 * torch.rand(1))  # exposure jitter
    return out


def build_crops(frames, tags, indices, train):
    xs, ys = [], []
    for i in indices:
        xs.append(crop_and_jitter(frames[i], train))
        ys.append(tags[i])
    return torch.stack(xs), torch.stack(ys)


class WallNet(nn.Module):
    def __init__(self, n_tags):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(1, 16, 3, padding=1), nn.BatchNorm2d(16), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(16, 32, 3, padding=1), nn.BatchNorm2d(32), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(32, 64, 3, padding=1), nn.BatchNorm2d(64), nn.ReLU(),
            nn.AdaptiveAvgPool2d(1),
        )
        self.tagger = nn.Linear(64, n_tags)

    def forward(self, x):
        return self.tagger(self.features(x).flatten(1))


def main():
    raw_frames, raw_tags = capture_run(40)
    n_frames = raw_frames.shape[0]
    print(f"captured {n_frames} frames")

    brightness = raw_frames.mean(dim=(1, 2, 3))
    keep = brightness < OVEREXPOSED
    frames, tags = raw_frames[keep], raw_tags[keep]
    print(f"dropped {(~keep).sum().item()} overexposed frames")
    n_frames = frames.shape[0]

    split = int(0.8 * n_frames)
    train_idx = range(0, split)
    val_idx = range(split, n_frames)

    model = WallNet(len(TAGS))
    opt = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
    pos_weight = torch.full((len(TAGS),), 2.0)

    for epoch in range(1):
        model.train()
        x, y = build_crops(frames, tags, train_idx, train=True)
        for b in range(0, len(x), 8):
            logits = model(x[b:b + 8])
            loss = F.binary_cross_entropy_with_logits(logits, y[b:b + 8], pos_weight=pos_weight)
            opt.zero_grad()
            loss.backward()
            opt.step()

        model.eval()
        vx, vy = build_crops(frames, tags, val_idx, train=False)
        with torch.no_grad():
            probs = torch.sigmoid(model(vx))
        pred = probs > 0.5
        tp = (pred & (vy > 0.5)).sum(0).float()
        fp = (pred & (vy < 0.5)).sum(0).float()
        fn = (~pred & (vy > 0.5)).sum(0).float()
        f1 = 2 * tp / (2 * tp + fp + fn).clamp(min=1)
        scores = ", ".join(f"{t}:{v:.2f}" for t, v in zip(TAGS, f1.tolist()))
        print(f"epoch {epoch} loss {loss.item():.3f} | val F1 {scores}")


if __name__ == "__main__":
    main()
