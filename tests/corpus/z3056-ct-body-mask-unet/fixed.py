import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import Dataset, DataLoader

SEED = 11
N_CASES = 6
VOL_SHAPE = (24, 64, 64)
N_CLASSES = 3  # background, liver, lesion
HU_WINDOW = (-150.0, 250.0)


def make_synthetic_ct(rng, shape):
    z, y, x = np.meshgrid(*[np.linspace(-1, 1, s) for s in shape], indexing="ij")
    hu = np.full(shape, -1000.0, dtype=np.float32)
    body = (y ** 2 + x ** 2) < 0.8
    hu[body] = 40.0 + rng.normal(0, 15, size=body.sum())
    liver = ((y + 0.2) ** 2 + (x - 0.25) ** 2) < 0.12
    hu[liver & body] = 60.0 + rng.normal(0, 8, size=(liver & body).sum())
    labels = np.zeros(shape, dtype=np.int64)
    labels[liver & body] = 1
    cy, cx = rng.uniform(-0.35, -0.05), rng.uniform(0.15, 0.35)
    lesion = ((y - cy) ** 2 + (x - cx) ** 2 + (z * 0.3) ** 2) < 0.01
    hu[lesion] = 20.0
    labels[lesion] = 2
    return hu, labels


def window_ct(hu, lo=HU_WINDOW[0], hi=HU_WINDOW[1]):
    return ((np.clip(hu, lo, hi) - lo) / (hi - lo)).astype(np.float32)


def body_mask_from_hu(slice_hu, thr=-500.0):
    return slice_hu > thr


def lesion_slices(labels):
    return [k for k in range(labels.shape[0]) if (labels[k] == 2).any()]


class SliceDataset(Dataset):
    def __init__(self, volumes):
        self.items = []
        for hu, lab in volumes:
            keep = lesion_slices(lab)
            keep += [k for k in range(0, lab.shape[0], 6) if k not in keep]
            for k in keep:
                self.items.append((hu[k], lab[k]))

    def __len__(self):
        return len(self.items)

    def __getitem__(self, i):
        hu, lab = self.items[i]
        return {
            "image": window_ct(hu)[None],
            "label": lab,
            "body": body_mask_from_hu(hu),
        }


def conv_block(cin, cout):
    return nn.Sequential(
        nn.Conv2d(cin, cout, 3, padding=1), nn.BatchNorm2d(cout), nn.ReLU(inplace=True),
        nn.Conv2d(cout, cout, 3, padding=1), nn.BatchNorm2d(cout), nn.ReLU(inplace=True),
    )


class TinyUNet(nn.Module):
    def __init__(self, cin=1, ncls=N_CLASSES, w=8):
        super().__init__()
        self.e1 = conv_block(cin, w)
        self.e2 = conv_block(w, 2 * w)
        self.bott = conv_block(2 * w, 4 * w)
        self.up2 = nn.ConvTranspose2d(4 * w, 2 * w, 2, stride=2)
        self.d2 = conv_block(4 * w, 2 * w)
        self.up1 = nn.ConvTranspose2d(2 * w, w, 2, stride=2)
        self.d1 = conv_block(2 * w, w)
        self.head = nn.Conv2d(w, ncls, 1)

    def forward(self, x):
        s1 = self.e1(x)
        s2 = self.e2(F.max_pool2d(s1, 2))
        b = self.bott(F.max_pool2d(s2, 2))
        d2 = self.d2(torch.cat([self.up2(b), s2], 1))
        d1 = self.d1(torch.cat([self.up1(d2), s1], 1))
        return self.head(d1)


def soft_dice_loss(logits, target, body, eps=1e-5):
    probs = logits.softmax(1)
    probs = probs.masked_fill(~body[:, None], 0.0)
    onehot = F.one_hot(target, N_CLASSES).permute(0, 3, 1, 2).float()
    dims = (0, 2, 3)
    inter = (probs * onehot).sum(dims)
    denom = probs.sum(dims) + onehot.sum(dims)
    dice = (2 * inter + eps) / (denom + eps)
    return 1.0 - dice[1:].mean()


def combined_loss(logits, target, body):
    ce = F.cross_entropy(logits, target)
    return ce + soft_dice_loss(logits, target, body)


def dice_per_class(logits, target):
    pred = logits.argmax(1)
    out = {}
    for c in range(1, N_CLASSES):
        p, t = pred == c, target == c
        out[c] = (2 * (p & t).sum().item() + 1e-5) / (p.sum().item() + t.sum().item() + 1e-5)
    return out


def train(model, loader, epochs=2, lr=1e-3):
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    for ep in range(epochs):
        model.train()
        running = 0.0
        for batch in loader:
            logits = model(batch["image"])
            loss = combined_loss(logits, batch["label"], batch["body"])
            opt.zero_grad()
            loss.backward()
            opt.step()
            running += loss.item()
        print(f"epoch {ep} loss {running / len(loader):.4f}")


def main():
    torch.manual_seed(SEED)
    rng = np.random.default_rng(SEED)
    volumes = [make_synthetic_ct(rng, VOL_SHAPE) for _ in range(N_CASES)]
    ds = SliceDataset(volumes)
    print(f"{len(ds)} training slices")
    loader = DataLoader(ds, batch_size=8, shuffle=True)
    model = TinyUNet()
    train(model, loader)
    model.eval()
    with torch.no_grad():
        batch = next(iter(DataLoader(ds, batch_size=16)))
        print(dice_per_class(model(batch["image"]), batch["label"]))


if __name__ == "__main__":
    main()
