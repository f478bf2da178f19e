import argparse
import zlib

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import Dataset, DataLoader


def get_args():
    p = argparse.ArgumentParser(description="hateful meme fusion classifier")
    p.add_argument("--thumb-size", type=int, default=96)
    p.add_argument("--hash-buckets", type=int, default=2048)
    p.add_argument("--text-dim", type=int, default=64)
    p.add_argument("--batch-size", type=int, default=16)
    p.add_argument("--epochs", type=int, default=2)
    p.add_argument("--lr", type=float, default=1e-3)
    p.add_argument("--n-memes", type=int, default=128)
    p.add_argument("--seed", type=int, default=5)
    return p.parse_args()


CAPTIONS_OK = ["when you finally fix the bug", "me waiting for the weekend", "cats be like",
               "nobody: my dog at 3am", "when the coffee kicks in"]
CAPTIONS_BAD = ["look at these animals pretending to be people", "send them all back",
                "this is what they all look like", "they should not be allowed to vote"]


def hash_tokens(text, buckets):
    return [zlib.crc32(tok.encode()) % buckets for tok in text.lower().split()]


def render_fake_meme(rng, hateful, size_hw=(240, 320)):
    h, w = size_hw
    img = rng.uniform(0, 1, size=(3, h, w)).astype(np.float32)
    band = slice(0, h // 6)
    img[:, band, :] = 1.0
    if hateful:
        img[0] += 0.3 * np.linspace(0, 1, w, dtype=np.float32)[None, :]
    return np.clip(img, 0, 1)


class MemeDataset(Dataset):
    def __init__(self, n, thumb_size, buckets, seed):
        rng = np.random.default_rng(seed)
        self.samples = []
        for _ in range(n):
            hateful = bool(rng.random() < 0.4)
            caption = rng.choice(CAPTIONS_BAD if hateful else CAPTIONS_OK)
            img = torch.from_numpy(render_fake_meme(rng, hateful))
            thumb = F.interpolate(img.unsqueeze(0), size=(thumb_size, thumb_size),
                                  mode="bilinear", align_corners=False).squeeze(0)
            self.samples.append((thumb, hash_tokens(caption, buckets), float(hateful)))
        self.mean = torch.stack([s[0] for s in self.samples]).mean(dim=(0, 2, 3))
        self.std = torch.stack([s[0] for s in self.samples]).std(dim=(0, 2, 3))

    def __len__(self):
        return len(self.samples)

    def __getitem__(self, i):
        thumb, toks, y = self.samples[i]
        thumb = (thumb - self.mean[:, None, None]) / self.std[:, None, None]
        return thumb, toks, y


def meme_collate(batch):
    thumbs = torch.stack([b[0] for b in batch])
    flat, offsets = [], []
    for _, toks, _ in batch:
        offsets.append(len(flat))
        flat.extend(toks)
    labels = torch.tensor([b[2] for b in batch])
    return thumbs, torch.tensor(flat), torch.tensor(offsets), labels


def conv_bn(cin, cout, k, s, p):
    return nn.Sequential(nn.Conv2d(cin, cout, k, s, p, bias=False), nn.BatchNorm2d(cout), nn.ReLU(inplace=True))


class ImageTower(nn.Module):
    def __init__(self, out_dim=128):
        super().__init__()
        self.stem = nn.Sequential(conv_bn(3, 24, 7, 2, 3), nn.MaxPool2d(3, 2, 1))
        self.stage1 = conv_bn(24, 48, 3, 2, 1)
        self.stage2 = conv_bn(48, 96, 3, 2, 1)
        self.pool = nn.MaxPool2d(2)
        self.head = conv_bn(96, out_dim, 3, 1, 0)
        self.gap = nn.AdaptiveAvgPool2d(1)

    def forward(self, x):
        x = self.stem(x)
        x = self.stage1(x)
        x = self.stage2(x)
        x = self.pool(x)
        x = self.head(x)
        return self.gap(x).flatten(1)


class MemeFusionNet(nn.Module):
    def __init__(self, buckets, text_dim, img_dim=128):
        super().__init__()
        self.image = ImageTower(img_dim)
        self.text = nn.EmbeddingBag(buckets, text_dim, mode="mean")
        self.fuse = nn.Sequential(nn.Linear(img_dim + text_dim, 64), nn.ReLU(), nn.Dropout(0.2),
                                  nn.Linear(64, 1))

    def forward(self, thumbs, tok_ids, offsets):
        v = self.image(thumbs)
        t = self.text(tok_ids, offsets)
        return self.fuse(torch.cat([v, t], dim=1)).squeeze(1)


def main():
    args = get_args()
    torch.manual_seed(args.seed)
    ds = MemeDataset(args.n_memes, args.thumb_size, args.hash_buckets, args.seed)
    dl = DataLoader(ds, batch_size=args.batch_size, shuffle=True, collate_fn=meme_collate)

    model = MemeFusionNet(args.hash_buckets, args.text_dim)
    opt = torch.optim.Adam(model.parameters(), lr=args.lr)
    pos_weight = torch.tensor([(1 - 0.4) / 0.4])

    for epoch in range(args.epochs):
        model.train()
        running = 0.0
        for thumbs, tok_ids, offsets, labels in dl:
            logits = model(thumbs, tok_ids, offsets)
            loss = F.binary_cross_entropy_with_logits(logits, labels, pos_weight=pos_weight)
            opt.zero_grad()
            loss.backward()
            opt.step()
            running += loss.item() * labels.size(0)
        print(f"epoch {epoch}: train loss {running / len(ds):.4f}")


if __name__ == "__main__":
    main()
