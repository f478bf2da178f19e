from dataclasses import dataclass, field

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import Dataset, DataLoader
from transformers import BertConfig, BertModel

CONTRASTS = ["t1", "t1ce", "t2", "flair"]
GRADES = ["low_grade", "high_grade"]


@dataclass
class Settings:
    crop: int = 32
    patch: int = 8
    hidden: int = 32
    n_subjects: int = 16
    batch_size: int = 4
    epochs: int = 2
    seed: int = 3
    contrast_ids: dict = field(default_factory=dict)


def simulate_subject(rng, grade, size=64):
    yy, xx = np.mgrid[:size, :size]
    cy, cx = rng.integers(20, size - 20, size=2)
    r = rng.uniform(5, 9) * (1.4 if grade == 1 else 1.0)
    tumour = (yy - cy) ** 2 + (xx - cx) ** 2 < r ** 2
    seg = tumour.astype(np.int64)
    vols = {}
    for i, name in enumerate(CONTRASTS):
        img = rng.normal(0.3 + 0.1 * i, 0.05, size=(size, size)).astype(np.float32)
        img[tumour] += 0.4 if name in ("t1ce", "flair") else -0.1
        if grade == 1 and name == "t1ce":
            ring = tumour & ((yy - cy) ** 2 + (xx - cx) ** 2 > (0.6 * r) ** 2)
            img[ring] += 0.3
        vols[name] = img
    return vols, seg


def zscore(img, mask=None):
    ref = img[mask] if mask is not None and mask.any() else img
    return (img - ref.mean()) / (ref.std() + 1e-6)


def lesion_centre(seg):
    coords = np.argwhere(seg > 0)
    return coords.mean(0).round().astype(int)


def crop_around(img, centre, crop):
    h = crop // 2
    padded = np.pad(img, h, mode="edge")
    cy, cx = centre + h
    return padded[cy - h:cy + h, cx - h:cx + h]


def patchify(img, p):
    c = img.shape[0] // p
    return img.reshape(c, p, c, p).transpose(0, 2, 1, 3).reshape(c * c, p * p)


class GliomaTokens(Dataset):
    def __init__(self, cfg, rng):
        self.cfg = cfg
        self.samples = []
        for _ in range(cfg.n_subjects):
            grade = int(rng.integers(0, 2))
            vols, seg = simulate_subject(rng, grade)
            ctr = lesion_centre(seg)
            self.samples.append((vols, ctr, grade))

    def __len__(self):
        return len(self.samples)

    def __getitem__(self, idx):
        vols, ctr, grade = self.samples[idx]
        tokens, types = [], []
        for name in CONTRASTS:
            crop = zscore(crop_around(vols[name], ctr, self.cfg.crop))
            patches = patchify(crop, self.cfg.patch)
            tokens.append(patches)
            types += [self.cfg.contrast_ids[name]] * len(patches)
        return {
            "tokens": torch.from_numpy(np.concatenate(tokens)).float(),
            "token_type_ids": torch.tensor([0] + types),
            "label": torch.tensor(grade),
        }


class ContrastTransformer(nn.Module):
    def __init__(self, cfg, bert_cfg):
        super().__init__()
        self.proj = nn.Linear(cfg.patch * cfg.patch, cfg.hidden)
        self.cls = nn.Parameter(torch.zeros(1, 1, cfg.hidden))
        self.encoder = BertModel(bert_cfg, add_pooling_layer=False)
        self.head = nn.Linear(cfg.hidden, len(GRADES))

    def forward(self, tokens, token_type_ids):
        x = self.proj(tokens)
        x = torch.cat([self.cls.expand(x.shape[0], -1, -1), x], dim=1)
        out = self.encoder(inputs_embeds=x, token_type_ids=token_type_ids)
        return self.head(out.last_hidden_state[:, 0])


def build_bert_config(cfg):
    n_tokens = len(CONTRASTS) * (cfg.crop // cfg.patch) ** 2 + 1
    return BertConfig(
        vocab_size=8,
        hidden_size=cfg.hidden,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=n_tokens + 8,
        type_vocab_size=len(CONTRASTS),
    )


def run_epoch(model, loader, opt):
    model.train()
    total, correct, loss_sum = 0, 0, 0.0
    for batch in loader:
        logits = model(batch["tokens"], batch["token_type_ids"])
        loss = F.cross_entropy(logits, batch["label"])
        opt.zero_grad()
        loss.backward()
        opt.step()
        loss_sum += loss.item() * len(batch["label"])
        correct += (logits.argmax(1) == batch["label"]).sum().item()
        total += len(batch["label"])
    return loss_sum / total, correct / total


def main():
    cfg = Settings()
    torch.manual_seed(cfg.seed)
    rng = np.random.default_rng(cfg.seed)
    cfg.contrast_ids = {name: i for i, name in enumerate(CONTRASTS, start=1)}
    ds = GliomaTokens(cfg, rng)
    loader = DataLoader(ds, batch_size=cfg.batch_size, shuffle=True)
    model = ContrastTransformer(cfg, build_bert_config(cfg))
    opt = torch.optim.AdamW(model.parameters(), lr=3e-4)
    for ep in range(cfg.epochs):
        loss, acc = run_epoch(model, loader, opt)
        print(f"epoch {ep}: loss={loss:.3f} acc={acc:.2f}")


if __name__ == "__main__":
    main()
