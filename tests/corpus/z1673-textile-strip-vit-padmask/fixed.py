"""Fabric-roll line-scan strips -> small ViT that flags weave defects.

The line-scan camera delivers strips of varying length (the roll is cut at
seams), so strips are padded on the right to the longest one in the batch and
the padded patches are masked out of attention.
Classes: ok, broken_pick, slub, oil_stain.
"""
import math
import torch
import torch.nn as nn

torch.manual_seed(3)

FABRIC_CLASSES = ["ok", "broken_pick", "slub", "oil_stain"]
STRIP_H = 16
PATCH = 16
MAX_STRIP_W = 256
EMBED = 48


def synth_strip(label):
    width = PATCH * int(torch.randint(6, MAX_STRIP_W // PATCH + 1, (1,)))
    strip = 0.5 + 0.05 * torch.sin(torch.arange(width) * 0.8).expand(STRIP_H, width)
    strip = strip + 0.03 * torch.randn(STRIP_H, width)
    x0 = int(torch.randint(0, width - 8, (1,)))
    if label == 1:
        strip[7:9, x0:x0 + 8] = 0.05
    elif label == 2:
        strip[:, x0:x0 + 4] += 0.3
    elif label == 3:
        strip[4:12, x0:x0 + 8] *= 0.4
    return strip.clamp(0, 1).unsqueeze(0)


def collate_strips(strips):
    widest = max(s.shape[-1] for s in strips)
    batch = torch.zeros(len(strips), 1, STRIP_H, widest)
    n_patches = widest // PATCH
    pad_mask = torch.ones(len(strips), n_patches, dtype=torch.bool)
    for i, s in enumerate(strips):
        w = s.shape[-1]
        batch[i, :, :, :w] = s
        pad_mask[i, : w // PATCH] = False
    return batch, pad_mask


class StripViT(nn.Module):
    def __init__(self, n_classes=len(FABRIC_CLASSES), depth=2, heads=4):
        super().__init__()
        self.to_patches = nn.Conv2d(1, EMBED, kernel_size=PATCH, stride=PATCH)
        self.cls_token = nn.Parameter(torch.zeros(1, 1, EMBED))
        self.pos_embed = nn.Parameter(torch.randn(1, MAX_STRIP_W // PATCH + 1, EMBED) * 0.02)
        layer = nn.TransformerEncoderLayer(EMBED, heads, dim_feedforward=4 * EMBED,
                                           dropout=0.1, batch_first=True, norm_first=True)
        self.encoder = nn.TransformerEncoder(layer, depth, enable_nested_tensor=False)
        self.norm = nn.LayerNorm(EMBED)
        self.head = nn.Linear(EMBED, n_classes)

    def forward(self, strips, pad_mask):
        tokens = self.to_patches(strips).flatten(2).transpose(1, 2)
        cls = self.cls_token.expand(tokens.size(0), -1, -1)
        tokens = torch.cat([cls, tokens], dim=1)
        tokens = tokens + self.pos_embed[:, : tokens.size(1)]
        pad_mask = torch.cat([pad_mask.new_zeros(pad_mask.size(0), 1), pad_mask], dim=1)
        encoded = self.encoder(tokens, src_key_padding_mask=pad_mask)
        return self.head(self.norm(encoded[:, 0]))


def make_split(n):
    labels = torch.randint(0, len(FABRIC_CLASSES), (n,))
    return [synth_strip(int(y)) for y in labels], labels


def iterate(strips, labels, bs, shuffle):
    order = torch.randperm(len(strips)) if shuffle else torch.arange(len(strips))
    for k in range(0, len(strips), bs):
        sel = order[k:k + bs].tolist()
        batch, mask = collate_strips([strips[j] for j in sel])
        yield batch, mask, labels[sel]


def main():
    train_strips, train_labels = make_split(64)
    val_strips, val_labels = make_split(24)

    model = StripViT()
    opt = torch.optim.AdamW(model.parameters(), lr=1e-3, weight_decay=0.05)
    steps_per_epoch = math.ceil(len(train_strips) / 8)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=1e-3, total_steps=3 * steps_per_epoch)
    loss_fn = nn.CrossEntropyLoss(label_smoothing=0.05)

    for epoch in range(3):
        model.train()
        seen, total = 0, 0.0
        for batch, mask, y in iterate(train_strips, train_labels, 8, shuffle=True):
            logits = model(batch, mask)
            loss = loss_fn(logits, y)
            opt.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            sched.step()
            total += loss.item() * y.numel()
            seen += y.numel()

        model.eval()
        correct = 0
        with torch.no_grad():
            for batch, mask, y in iterate(val_strips, val_labels, 8, shuffle=False):
                correct += (model(batch, mask).argmax(-1) == y).sum().item()
        print(f"epoch {epoch}: loss {total / seen:.4f} val acc {correct / len(val_strips):.3f}")


if __name__ == "__main__":
    main()
