"""Glazed ceramic tile grading: RGB tile photos -> ViT with a hand-rolled patchifier
-> one of four defect classes. Augmentations: 90-degree rotations and glaze-tone jitter."""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(21)
rng = np.random.default_rng(21)

IMG = 48
PATCH = 6
CLASSES = ["clean", "pinhole", "crawling", "edge_chip"]


def render_tiles(n):
    tiles = np.empty((n, 3, IMG, IMG), dtype=np.float32)
    labels = rng.integers(0, len(CLASSES), size=n)
    yy, xx = np.mgrid[0:IMG, 0:IMG]
    for i, lab in enumerate(labels):
        glaze = rng.uniform(0.55, 0.8, size=3).astype(np.float32)
        t = glaze[:, None, None] + 0.02 * rng.standard_normal((3, IMG, IMG)).astype(np.float32)
        if lab == 1:
            for _ in range(rng.integers(3, 7)):
                cy, cx = rng.integers(4, IMG - 4, size=2)
                t[:, (yy - cy) ** 2 + (xx - cx) ** 2 <= 2] = 0.15
        elif lab == 2:
            cy, cx = rng.integers(12, IMG - 12, size=2)
            blob = ((yy - cy) / 9.0) ** 2 + ((xx - cx) / 5.0) ** 2 < 1
            t[:, blob] = 0.9
        elif lab == 3:
            side = rng.integers(0, 4)
            chip = (slice(0, 5), slice(10, 20)) if side < 2 else (slice(20, 30), slice(0, 5))
            t[:, chip[0], chip[1]] = 0.35
            if side % 2:
                t = t[:, ::-1, ::-1]
        tiles[i] = t
    return torch.from_numpy(tiles).clamp(0, 1), torch.from_numpy(labels)


def augment(batch):
    k = int(torch.randint(0, 4, (1,)))
    batch = torch.rot90(batch, k, dims=(2, 3))
    tone = 1.0 + 0.1 * (torch.rand(batch.shape[0], 3, 1, 1) - 0.5)
    return (batch * tone).clamp(0, 1)


class Patchify(nn.Module):
    def __init__(self, patch):
        super().__init__()
        self.patch = patch

    def forward(self, x):
        b, c, h, w = x.shape
        p = self.patch
        cells = x.unfold(2, p, p).unfold(3, p, p)          # b, c, h/p, w/p, p, p
        cells = cells.permute(0, 2, 3, 1, 4, 5)             # b, h/p, w/p, c, p, p
        return cells.reshape(b, (h // p) * (w // p), c * p * p)


class TileViT(nn.Module):
    def __init__(self, n_cls, dim=48, depth=2, heads=4):
        super().__init__()
        n_patches = (IMG // PATCH) ** 2
        self.patchify = Patchify(PATCH)
        self.embed = nn.Linear(3 * PATCH * PATCH, dim)
        self.cls_token = nn.Parameter(torch.zeros(1, 1, dim))
        self.pos_embed = nn.Parameter(torch.randn(1, n_patches + 1, dim) * 0.02)
        enc = nn.TransformerEncoderLayer(dim, heads, dim * 3, dropout=0.1, batch_first=True)
        self.encoder = nn.TransformerEncoder(enc, depth)
        self.norm = nn.LayerNorm(dim)
        self.classifier = nn.Linear(dim, n_cls)

    def forward(self, x):
        tokens = self.embed(self.patchify(x))
        cls = self.cls_token.expand(tokens.shape[0], -1, -1)
        tokens = torch.cat([cls, tokens], dim=1) + self.pos_embed
        tokens = self.encoder(tokens)
        return self.classifier(self.norm(tokens[:, 0]))


def evaluate(model, tiles, labels, bs=64):
    model.eval()
    correct, loss_sum = 0, 0.0
    with torch.no_grad():
        for i in range(0, tiles.shape[0], bs):
            logits = model(tiles[i:i + bs])
            loss_sum += F.cross_entropy(logits, labels[i:i + bs], reduction="sum").item()
            correct += (logits.argmax(1) == labels[i:i + bs]).sum().item()
    return loss_sum / tiles.shape[0], correct / tiles.shape[0]


def main():
    train_tiles, train_labels = render_tiles(192)
    val_tiles, val_labels = render_tiles(64)
    print("train class counts:", torch.bincount(train_labels, minlength=len(CLASSES)).tolist())

    model = TileViT(len(CLASSES))
    opt = torch.optim.AdamW(model.parameters(), lr=1e-3, weight_decay=0.05)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=5)
    bs = 32
    for epoch in range(5):
        model.train()
        perm = torch.randperm(train_tiles.shape[0])
        epoch_loss = 0.0
        for i in range(0, len(perm), bs):
            idx = perm[i:i + bs]
            logits = model(augment(train_tiles[idx]))
            loss = F.cross_entropy(logits, train_labels[idx], label_smoothing=0.05)
            opt.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            epoch_loss += loss.item() * len(idx)
        sched.step()
        val_loss, val_acc = evaluate(model, val_tiles, val_labels)
        print(f"epoch {epoch}: train {epoch_loss / len(perm):.4f}  val {val_loss:.4f}  acc {val_acc:.3f}")


if __name__ == "__main__":
    main()
