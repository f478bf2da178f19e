"""Multi-label defect tagging for PCB solder-joint crops (AOI station 3).

Tags per crop: bridge, insufficient, void, tombstone, cold_joint.
The backbone is a small hand-written CNN; the head sees both average- and
max-pooled features because voids show up as small bright spots that the
average pool washes out.
"""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(7)
rng = np.random.default_rng(7)

DEFECT_TAGS = ["bridge", "insufficient", "void", "tombstone", "cold_joint"]
CROP = 48
STAGE_WIDTHS = (16, 32, 64)


def make_fake_aoi_batch(n):
    """Grey-level crops with a bright pad in the middle plus random blobs."""
    imgs = rng.uniform(0.0, 0.25, size=(n, 1, CROP, CROP)).astype(np.float32)
    imgs[:, :, 16:32, 12:36] += 0.5
    tags = (rng.uniform(size=(n, len(DEFECT_TAGS))) > 0.7).astype(np.float32)
    for i in range(n):
        if tags[i, 2]:
            y, x = rng.integers(18, 30), rng.integers(14, 34)
            imgs[i, :, y:y + 2, x:x + 2] = 1.0
    return torch.from_numpy(imgs), torch.from_numpy(tags)


def random_flip_and_jitter(imgs):
    if torch.rand(1).item() < 0.5:
        imgs = imgs.flip(-1)
    gain = 1.0 + 0.1 * (torch.rand(imgs.size(0), 1, 1, 1) - 0.5)
    return (imgs * gain).clamp(0.0, 1.0)


def conv_block(cin, cout):
    return nn.Sequential(
        nn.Conv2d(cin, cout, 3, padding=1, bias=False),
        nn.BatchNorm2d(cout),
        nn.ReLU(inplace=True),
        nn.Conv2d(cout, cout, 3, padding=1, bias=False),
        nn.BatchNorm2d(cout),
        nn.ReLU(inplace=True),
        nn.MaxPool2d(2),
    )


class SolderJointNet(nn.Module):
    def __init__(self, widths=STAGE_WIDTHS, n_tags=len(DEFECT_TAGS)):
        super().__init__()
        stages = []
        cin = 1
        for w in widths:
            stages.append(conv_block(cin, w))
            cin = w
        self.backbone = nn.Sequential(*stages)
        self.feat_dim = 2 * widths[-1]
        self.dropout = nn.Dropout(0.2)
        self.tag_head = nn.Linear(self.feat_dim, n_tags)

    def pooled_features(self, x):
        fmap = self.backbone(x)
        avg = F.adaptive_avg_pool2d(fmap, 1).flatten(1)
        mx = F.adaptive_max_pool2d(fmap, 1).flatten(1)
        return torch.cat([avg, mx], dim=1)

    def forward(self, x):
        feats = self.pooled_features(x)
        return self.tag_head(self.dropout(feats))


def tag_f1(logits, targets, thr=0.5):
    pred = (torch.sigmoid(logits) > thr).float()
    tp = (pred * targets).sum(0)
    fp = (pred * (1 - targets)).sum(0)
    fn = ((1 - pred) * targets).sum(0)
    return (2 * tp / (2 * tp + fp + fn).clamp(min=1)).mean().item()


def main():
    train_x, train_y = make_fake_aoi_batch(16)
    val_x, val_y = make_fake_aoi_batch(16)

    model = SolderJointNet()
    pos_weight = torch.full((len(DEFECT_TAGS),), 2.0)
    criterion = nn.BCEWithLogitsLoss(pos_weight=pos_weight)
    optim = torch.optim.AdamW(model.parameters(), lr=2e-3, weight_decay=1e-4)

    batch_size = 16
    for epoch in range(1):
        model.train()
        perm = torch.randperm(train_x.size(0))
        running = 0.0
        for start in range(0, train_x.size(0), batch_size):
            idx = perm[start:start + batch_size]
            crops = random_flip_and_jitter(train_x[idx])
            logits = model(crops)
            loss = criterion(logits, train_y[idx])
            optim.zero_grad()
            loss.backward()
            optim.step()
            running += loss.item() * idx.numel()

        model.eval()
        with torch.no_grad():
            val_logits = model(val_x)
            val_loss = criterion(val_logits, val_y).item()
            f1 = tag_f1(val_logits, val_y)
        print(f"epoch {epoch}: train {running / train_x.size(0):.4f} "
              f"val {val_loss:.4f} macro-F1 {f1:.3f}")

    torch.save(model.state_dict(), "solder_tagger.pt")


if __name__ == "__main__":
    main()
