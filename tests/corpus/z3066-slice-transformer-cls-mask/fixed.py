from dataclasses import dataclass, field
from typing import List

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import Dataset, DataLoader
from transformers import BertConfig, BertModel

SEED = 3
IMG = 32
EMB = 32
MAX_DEPTH = 20


@dataclass
class StudyRecord:
    accession: str
    volume: np.ndarray
    label: int
    slice_spacing_mm: float = 5.0
    tags: List[str] = field(default_factory=list)


def fake_head_ct(rng, depth, bleed):
    vol = rng.normal(0.0, 0.4, size=(depth, IMG, IMG)).astype(np.float32)
    yy, xx = np.mgrid[:IMG, :IMG]
    skull = np.abs(np.hypot(yy - IMG / 2, xx - IMG / 2) - 13) < 1.5
    vol[:, skull] += 3.0
    if bleed:
        z = rng.integers(0, depth)
        cy, cx = rng.integers(10, 22, size=2)
        blob = (yy - cy) ** 2 + (xx - cx) ** 2 <= 10
        vol[max(z - 1, 0):z + 2, blob] += 1.2
    return vol


def make_studies(n, rng):
    out = []
    for i in range(n):
        depth = int(rng.integers(8, MAX_DEPTH + 1))
        bleed = int(rng.random() < 0.5)
        out.append(StudyRecord(f"ACC{1000 + i}", fake_head_ct(rng, depth, bleed), bleed,
                               tags=["noncontrast", "axial"]))
    return out


def normalise(vol):
    return (vol - vol.mean()) / (vol.std() + 1e-6)


class StudyDataset(Dataset):
    def __init__(self, studies):
        self.studies = studies

    def __len__(self):
        return len(self.studies)

    def __getitem__(self, i):
        s = self.studies[i]
        return {"slices": torch.from_numpy(normalise(s.volume)), "y": torch.tensor(s.label)}


def pad_studies(batch):
    depths = [b["slices"].shape[0] for b in batch]
    dmax = max(depths)
    slices = torch.zeros(len(batch), dmax, IMG, IMG)
    mask = torch.zeros(len(batch), dmax, dtype=torch.long)
    for k, b in enumerate(batch):
        slices[k, :depths[k]] = b["slices"]
        mask[k, :depths[k]] = 1
    return {"slices": slices, "attention_mask": mask, "y": torch.stack([b["y"] for b in batch])}


class SliceEncoder(nn.Module):
    def __init__(self, out_dim):
        super().__init__()
        self.net = nn.Sequential(
            nn.Conv2d(1, 8, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(8, 16, 3, padding=1), nn.ReLU(), nn.AdaptiveAvgPool2d(1),
        )
        self.proj = nn.Linear(16, out_dim)

    def forward(self, x):
        return self.proj(self.net(x).flatten(1))


class StudyClassifier(nn.Module):
    def __init__(self):
        super().__init__()
        self.slice_enc = SliceEncoder(EMB)
        cfg = BertConfig(vocab_size=8, hidden_size=EMB, num_hidden_layers=1, num_attention_heads=2,
                         intermediate_size=64, max_position_embeddings=MAX_DEPTH + 1)
        self.seq = BertModel(cfg, add_pooling_layer=False)
        self.cls_token = nn.Parameter(torch.zeros(1, 1, EMB))
        self.head = nn.Linear(EMB, 2)

    def forward(self, slices, attention_mask):
        b, d = slices.shape[:2]
        feats = self.slice_enc(slices.reshape(b * d, 1, IMG, IMG)).reshape(b, d, EMB)
        tokens = torch.cat([self.cls_token.expand(b, -1, -1), feats], dim=1)
        attention_mask = torch.cat([attention_mask.new_ones(b, 1), attention_mask], dim=1)
        hidden = self.seq(inputs_embeds=tokens, attention_mask=attention_mask).last_hidden_state
        return self.head(hidden[:, 0])


def run_epoch(model, loader, opt):
    model.train()
    losses, correct, seen = [], 0, 0
    for batch in loader:
        logits = model(batch["slices"], batch["attention_mask"])
        loss = F.cross_entropy(logits, batch["y"])
        opt.zero_grad()
        loss.backward()
        opt.step()
        losses.append(loss.item())
        correct += (logits.argmax(1) == batch["y"]).sum().item()
        seen += len(batch["y"])
    return float(np.mean(losses)), correct / seen


def main():
    torch.manual_seed(SEED)
    rng = np.random.default_rng(SEED)
    studies = make_studies(12, rng)
    loader = DataLoader(StudyDataset(studies), batch_size=4, shuffle=True, collate_fn=pad_studies)
    model = StudyClassifier()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    for ep in range(2):
        loss, acc = run_epoch(model, loader, opt)
        print(f"epoch {ep}: loss={loss:.4f} acc={acc:.2f}")


if __name__ == "__main__":
    main()
