import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, Dataset

SEED = 21
np.random.seed(SEED)
torch.manual_seed(SEED)

CLASSES = ["healthy", "early_blight", "late_blight", "septoria_leaf_spot"]
IMG_SIZE = 64
TILE = 16
MIN_LEAF_FRACTION = 0.25
HPARAMS = dict(embed_dim=32, heads=4, batch_size=8, lr=2e-3, epochs=2, n_images=80)


def synth_leaf(rng, label):
    yy, xx = np.mgrid[0:IMG_SIZE, 0:IMG_SIZE]
    cy, cx = rng.uniform(24, 40, size=2)
    ry, rx = rng.uniform(14, 26), rng.uniform(10, 22)
    leaf = (((yy - cy) / ry) ** 2 + ((xx - cx) / rx) ** 2) <= 1.0

    img = np.zeros((3, IMG_SIZE, IMG_SIZE), dtype=np.float32)
    img[:, ~leaf] = rng.uniform(0.05, 0.15, size=(3, 1))
    img[1, leaf] = 0.55 + rng.normal(0, 0.03, leaf.sum())
    img[0, leaf] = 0.20
    img[2, leaf] = 0.15

    n_lesions = 0 if label == 0 else rng.integers(3, 9)
    lesion_radius = {0: 0, 1: 3.5, 2: 6.0, 3: 1.5}[label]
    leaf_pix = np.argwhere(leaf)
    for _ in range(n_lesions):
        ly, lx = leaf_pix[rng.integers(len(leaf_pix))]
        spot = ((yy - ly) ** 2 + (xx - lx) ** 2) <= lesion_radius ** 2
        spot &= leaf
        img[0, spot] = 0.45 if label != 2 else 0.25
        img[1, spot] = 0.30 if label != 2 else 0.20
        img[2, spot] = 0.10
    img += rng.normal(0, 0.02, img.shape).astype(np.float32)
    return img, leaf


def tile_image(img, leaf):
    c = img.shape[0]
    n = IMG_SIZE // TILE
    tiles = img.reshape(c, n, TILE, n, TILE).transpose(1, 3, 0, 2, 4).reshape(n * n, c, TILE, TILE)
    coverage = leaf.reshape(n, TILE, n, TILE).mean(axis=(1, 3)).reshape(n * n)
    return tiles, coverage


class LeafTileDataset(Dataset):
    def __init__(self, n_images, rng):
        self.items = []
        for _ in range(n_images):
            label = int(rng.integers(len(CLASSES)))
            img, leaf = synth_leaf(rng, label)
            tiles, coverage = tile_image(img, leaf)
            background = coverage < MIN_LEAF_FRACTION
            self.items.append((tiles, background, label))

    def __len__(self):
        return len(self.items)

    def __getitem__(self, idx):
        tiles, background, label = self.items[idx]
        return torch.from_numpy(tiles), torch.from_numpy(background), label


class TileEncoder(nn.Module):
    def __init__(self, embed_dim):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 16, 3, padding=1)
        self.conv2 = nn.Conv2d(16, embed_dim, 3, padding=1)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = F.relu(self.conv2(x))
        return x.mean(dim=(2, 3))


class AttentionMILClassifier(nn.Module):
    def __init__(self, n_classes, embed_dim, heads):
        super().__init__()
        self.encoder = TileEncoder(embed_dim)
        self.query = nn.Parameter(torch.randn(1, 1, embed_dim) * 0.02)
        self.attn = nn.MultiheadAttention(embed_dim, heads, batch_first=True)
        self.norm = nn.LayerNorm(embed_dim)
        self.classifier = nn.Linear(embed_dim, n_classes)

    def forward(self, tiles, background_mask):
        b, t = tiles.shape[:2]
        feats = self.encoder(tiles.flatten(0, 1)).view(b, t, -1)
        q = self.query.expand(b, -1, -1)
        pooled, weights = self.attn(q, feats, feats, key_padding_mask=background_mask)
        return self.classifier(self.norm(pooled.squeeze(1))), weights.squeeze(1)


def run_epoch(model, loader, opt=None):
    training = opt is not None
    model.train(training)
    total_loss, correct, seen = 0.0, 0, 0
    for tiles, background, labels in loader:
        with torch.set_grad_enabled(training):
            logits, _ = model(tiles, background)
            loss = F.cross_entropy(logits, labels)
        if training:
            opt.zero_grad()
            loss.backward()
            opt.step()
        total_loss += loss.item() * len(labels)
        correct += (logits.argmax(-1) == labels).sum().item()
        seen += len(labels)
    return total_loss / seen, correct / seen


def main():
    rng = np.random.default_rng(SEED)
    train_ds = LeafTileDataset(HPARAMS["n_images"], rng)
    val_ds = LeafTileDataset(HPARAMS["n_images"] // 4, rng)
    train_dl = DataLoader(train_ds, batch_size=HPARAMS["batch_size"], shuffle=True)
    val_dl = DataLoader(val_ds, batch_size=HPARAMS["batch_size"])

    model = AttentionMILClassifier(len(CLASSES), HPARAMS["embed_dim"], HPARAMS["heads"])
    opt = torch.optim.Adam(model.parameters(), lr=HPARAMS["lr"])
    for epoch in range(HPARAMS["epochs"]):
        tr_loss, tr_acc = run_epoch(model, train_dl, opt)
        va_loss, va_acc = run_epoch(model, val_dl)
        print(f"epoch {epoch}: train {tr_loss:.3f}/{tr_acc:.2f}  val {va_loss:.3f}/{va_acc:.2f}")


if __name__ == "__main__":
    main()
