"""Weld seam porosity classifier: small ViT trained on random crops of line-scan frames."""
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)

RAW_SIZE = 144          # frames come off the line-scan camera at 144x144
CROP = 128              # training crop fed to the network
PATCH = 16
EMBED = 64
N_CLASSES = 3           # ok / porosity / undercut


class PatchEmbed(nn.Module):
    def __init__(self, in_ch, patch, dim):
        super().__init__()
        self.proj = nn.Conv2d(in_ch, dim, kernel_size=patch, stride=patch)

    def forward(self, x):
        x = self.proj(x)                      # B, D, H/p, W/p
        return x.flatten(2).transpose(1, 2)   # B, N, D


class SeamViT(nn.Module):
    def __init__(self, img_size, patch, dim, depth, heads, n_classes):
        super().__init__()
        self.embed = PatchEmbed(1, patch, dim)
        n_patches = (img_size // patch) ** 2
        self.cls_token = nn.Parameter(torch.zeros(1, 1, dim))
        self.pos_embed = nn.Parameter(torch.randn(1, n_patches + 1, dim) * 0.02)
        layer = nn.TransformerEncoderLayer(dim, heads, dim * 2, dropout=0.0,
                                           batch_first=True, norm_first=True)
        self.blocks = nn.TransformerEncoder(layer, depth, enable_nested_tensor=False)
        self.norm = nn.LayerNorm(dim)
        self.head = nn.Linear(dim, n_classes)

    def forward(self, x):
        tokens = self.embed(x)
        cls = self.cls_token.expand(tokens.shape[0], -1, -1)
        tokens = torch.cat([cls, tokens], dim=1)
        tokens = tokens + self.pos_embed
        tokens = self.blocks(tokens)
        return self.head(self.norm(tokens[:, 0]))


def synth_frames(n):
    frames = torch.rand(n, 1, RAW_SIZE, RAW_SIZE) * 0.2 + 0.4
    grades = torch.randint(0, N_CLASSES, (n,))
    for i in range(n):
        if grades[i] == 1:      # porosity: a few dark pits along the seam
            for _ in range(4):
                r, c = torch.randint(20, RAW_SIZE - 20, (2,)).tolist()
                frames[i, 0, r - 3:r + 3, c - 3:c + 3] = 0.05
        elif grades[i] == 2:    # undercut: dark groove along one edge of the bead
            frames[i, 0, 60:66, :] = 0.1
    return frames, grades


def random_crop(batch, size):
    _, _, h, w = batch.shape
    top = torch.randint(0, h - size + 1, (1,)).item()
    left = torch.randint(0, w - size + 1, (1,)).item()
    return batch[:, :, top:top + size, left:left + size]


def center_crop(batch, size):
    _, _, h, w = batch.shape
    top, left = (h - size) // 2, (w - size) // 2
    return batch[:, :, top:top + size, left:left + size]


def hflip(batch, p=0.5):
    if torch.rand(1).item() < p:
        return batch.flip(-1)
    return batch


def normalize(batch):
    mean = batch.mean(dim=(2, 3), keepdim=True)
    std = batch.std(dim=(2, 3), keepdim=True) + 1e-6
    return (batch - mean) / std


def train_one_epoch(model, opt, frames, grades, bs):
    model.train()
    perm = torch.randperm(frames.shape[0])
    total = 0.0
    for start in range(0, len(perm), bs):
        idx = perm[start:start + bs]
        x = normalize(hflip(random_crop(frames[idx], CROP)))
        logits = model(x)
        loss = F.cross_entropy(logits, grades[idx])
        opt.zero_grad()
        loss.backward()
        opt.step()
        total += loss.item() * len(idx)
    return total / frames.shape[0]


@torch.no_grad()
def validate(model, frames, grades, bs):
    model.eval()
    correct = 0
    for start in range(0, frames.shape[0], bs):
        x = normalize(center_crop(frames[start:start + bs], CROP))
        pred = model(x).argmax(-1)
        correct += (pred == grades[start:start + bs]).sum().item()
    return correct / frames.shape[0]


def main():
    train_frames, train_grades = synth_frames(48)
    val_frames, val_grades = synth_frames(16)

    model = SeamViT(CROP, PATCH, EMBED, depth=2, heads=4, n_classes=N_CLASSES)
    opt = torch.optim.AdamW(model.parameters(), lr=3e-4, weight_decay=0.05)

    for epoch in range(3):
        loss = train_one_epoch(model, opt, train_frames, train_grades, bs=8)
        acc = validate(model, val_frames, val_grades, bs=8)
        print(f"epoch {epoch}: train loss {loss:.4f}  val acc {acc:.3f}")

    print("best val acc", acc)


if __name__ == "__main__":
    main()
