import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, TensorDataset, random_split

CONFIG = {
    "shot_types": ["ECU", "CU", "MS", "WS", "EWS"],
    "frames_per_clip": 12,
    "img_size": 32,
    "n_clips": 96,
    "batch_size": 8,
    "epochs": 2,
    "lr": 2e-3,
    "seed": 3,
}

# rough fraction of frame height the subject occupies for each framing
SUBJECT_SCALE = {"ECU": 0.95, "CU": 0.7, "MS": 0.45, "WS": 0.25, "EWS": 0.1}


def render_frame(rng, shot, size):
    img = rng.uniform(0.0, 0.3, size=(3, size, size)).astype(np.float32)
    s = max(2, int(SUBJECT_SCALE[shot] * size))
    cy = rng.integers(s // 2, size - s // 2 + 1)
    cx = rng.integers(s // 2, size - s // 2 + 1)
    y0, x0 = max(0, cy - s // 2), max(0, cx - s // 2)
    img[:, y0:y0 + s, x0:x0 + s] += rng.uniform(0.5, 0.9, size=(3, 1, 1)).astype(np.float32)
    return img


def build_clips(cfg):
    rng = np.random.default_rng(cfg["seed"])
    n_types = len(cfg["shot_types"])
    T, S = cfg["frames_per_clip"], cfg["img_size"]
    frames = np.zeros((cfg["n_clips"], T, 3, S, S), dtype=np.float32)
    labels = np.zeros((cfg["n_clips"], T), dtype=np.int64)
    for c in range(cfg["n_clips"]):
        shot = rng.integers(n_types)
        for t in range(T):
            if rng.random() < 0.2:
                shot = rng.integers(n_types)
            frames[c, t] = render_frame(rng, cfg["shot_types"][shot], S)
            labels[c, t] = shot
    return torch.from_numpy(frames), torch.from_numpy(labels)


class FrameEncoder(nn.Module):
    def __init__(self, out_dim=64):
        super().__init__()
        self.conv = nn.Sequential(
            nn.Conv2d(3, 16, 3, padding=1), nn.BatchNorm2d(16), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(16, 32, 3, padding=1), nn.BatchNorm2d(32), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(32, out_dim, 3, padding=1), nn.ReLU(), nn.AdaptiveAvgPool2d(1),
        )

    def forward(self, x):
        return self.conv(x).flatten(1)


class ShotSequenceTagger(nn.Module):
    def __init__(self, n_classes, feat_dim=64, hidden=48):
        super().__init__()
        self.encoder = FrameEncoder(feat_dim)
        self.temporal = nn.GRU(feat_dim, hidden, batch_first=True, bidirectional=True)
        self.classifier = nn.Linear(2 * hidden, n_classes)

    def forward(self, clips):
        b, t = clips.shape[:2]
        feats = self.encoder(clips.flatten(0, 1)).view(b, t, -1)
        ctx, _ = self.temporal(feats)
        return self.classifier(ctx)


def class_weights(labels, n_classes):
    counts = torch.bincount(labels.flatten(), minlength=n_classes).float()
    w = counts.sum() / (n_classes * counts.clamp(min=1))
    return w / w.mean()


def evaluate(model, loader):
    model.eval()
    hit, total = 0, 0
    with torch.no_grad():
        for clips, labels in loader:
            pred = model(clips).argmax(-1)
            hit += (pred == labels).sum().item()
            total += labels.numel()
    return hit / total


def main(cfg):
    torch.manual_seed(cfg["seed"])
    frames, labels = build_clips(cfg)
    ds = TensorDataset(frames, labels)
    n_val = len(ds) // 4
    train_ds, val_ds = random_split(ds, [len(ds) - n_val, n_val],
                                    generator=torch.Generator().manual_seed(cfg["seed"]))
    train_dl = DataLoader(train_ds, batch_size=cfg["batch_size"], shuffle=True)
    val_dl = DataLoader(val_ds, batch_size=cfg["batch_size"])

    n_classes = len(cfg["shot_types"])
    model = ShotSequenceTagger(n_classes)
    weights = class_weights(labels[train_ds.indices], n_classes)
    criterion = nn.CrossEntropyLoss(weight=weights, label_smoothing=0.05)
    optimizer = torch.optim.Adam(model.parameters(), lr=cfg["lr"])
    sched = torch.optim.lr_scheduler.StepLR(optimizer, step_size=1, gamma=0.5)

    for epoch in range(cfg["epochs"]):
        model.train()
        epoch_loss = 0.0
        for clips, shot_labels in train_dl:
            logits = model(clips)
            loss = criterion(logits.transpose(1, 2), shot_labels)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            epoch_loss += loss.item() * clips.size(0)
        sched.step()
        acc = evaluate(model, val_dl)
        print(f"epoch {epoch}: train loss {epoch_loss / len(train_ds):.4f}  val frame acc {acc:.3f}")

    torch.save(model.state_dict(), "shot_tagger.pt")


if __name__ == "__main__":
    main(CONFIG)
