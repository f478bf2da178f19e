"""Cloud/no-data aware tile encoder: conv patch embedding + a small BERT encoder over patch tokens.

Patches that are mostly outside the swath (no-data) are masked out of attention.
"""
import types

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from transformers import BertConfig, BertModel

PATCH = 16
NODATA = -9999.0

hp = types.SimpleNamespace(
    seed=3,
    scene_shape=(6, 192, 256),
    tile=64,
    patch=8,
    hidden=32,
    layers=1,
    heads=2,
    ffn=64,
    classes=3,
    batch_size=4,
    lr=5e-4,
    max_nodata_frac=0.5,
)


# --------------------------------------------------------------- utils
def synth_swath(rng, shape):
    bands, h, w = shape
    dn = rng.lognormal(mean=6.5, sigma=0.4, size=shape).astype(np.float32)
    yy, xx = np.mgrid[0:h, 0:w]
    outside = xx > (0.6 * w + 0.35 * yy)
    dn[:, outside] = NODATA
    return dn


def band_norm(dn):
    valid = dn != NODATA
    out = np.zeros_like(dn)
    for b in range(dn.shape[0]):
        vals = dn[b][valid[b]]
        out[b] = np.where(valid[b], (dn[b] - vals.mean()) / (vals.std() + 1e-6), 0.0)
    return out, ~valid.all(axis=0)


def token_mask(nodata, patch=PATCH, max_nodata=0.5):
    frac = F.avg_pool2d(nodata.float().unsqueeze(1), kernel_size=patch, stride=patch)
    keep = (frac.flatten(1) < max_nodata).long()
    cls = torch.ones(keep.shape[0], 1, dtype=torch.long)
    return torch.cat([cls, keep], dim=1)


def tiles(arr, nodata, size):
    _, h, w = arr.shape
    return [
        (arr[:, r:r + size, c:c + size], nodata[r:r + size, c:c + size])
        for r in range(0, h - size + 1, size)
        for c in range(0, w - size + 1, size)
    ]


def batches(chips, labels, bs):
    for i in range(0, len(chips), bs):
        part = chips[i:i + bs]
        yield {
            "pixels": torch.from_numpy(np.stack([p for p, _ in part])),
            "nodata": torch.from_numpy(np.stack([m for _, m in part])),
            "labels": torch.as_tensor(labels[i:i + bs]),
        }


# --------------------------------------------------------------- model
class SwathEncoder(nn.Module):
    def __init__(self, s):
        super().__init__()
        n_tokens = (s.tile // s.patch) ** 2 + 1
        self.to_tokens = nn.Conv2d(s.scene_shape[0], s.hidden, kernel_size=s.patch, stride=s.patch)
        self.cls_token = nn.Parameter(torch.randn(1, 1, s.hidden) * 0.02)
        bert_cfg = BertConfig(
            vocab_size=8, hidden_size=s.hidden, num_hidden_layers=s.layers,
            num_attention_heads=s.heads, intermediate_size=s.ffn,
            max_position_embeddings=n_tokens, type_vocab_size=1,
        )
        self.bert = BertModel(bert_cfg, add_pooling_layer=False)
        self.classifier = nn.Linear(s.hidden, s.classes)

    def forward(self, pixels, attention_mask):
        tok = self.to_tokens(pixels).flatten(2).transpose(1, 2)
        tok = torch.cat([self.cls_token.expand(tok.size(0), -1, -1), tok], dim=1)
        out = self.bert(inputs_embeds=tok, attention_mask=attention_mask)
        return self.classifier(out.last_hidden_state[:, 0])


def main(s):
    rng = np.random.default_rng(s.seed)
    torch.manual_seed(s.seed)
    normed, nodata = band_norm(synth_swath(rng, s.scene_shape))
    chips = tiles(normed, nodata, s.tile)
    labels = rng.integers(0, s.classes, size=len(chips))
    print(f"{len(chips)} tiles, {nodata.mean():.1%} of the scene is no-data")

    model = SwathEncoder(s)
    opt = torch.optim.AdamW(model.parameters(), lr=s.lr)
    model.train()
    for step, batch in enumerate(batches(chips, labels, s.batch_size)):
        mask = token_mask(batch["nodata"], patch=s.patch, max_nodata=s.max_nodata_frac)
        logits = model(batch["pixels"], mask)
        loss = F.cross_entropy(logits, batch["labels"])
        opt.zero_grad()
        loss.backward()
        opt.step()
        print(f"step {step}: loss={loss.item():.3f} kept tokens={int(mask.sum())}/{mask.numel()}")


if __name__ == "__main__":
    main(hp)
