"""Slide-level metastasis detection from pre-extracted tile embeddings (MIL).

Each whole-slide image is a bag of tile feature vectors (variable count per slide).
A small transformer aggregates the tiles; padded tiles are masked out.
Split is by patient: a patient can have several slides (blocks).
"""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.nn.utils.rnn import pad_sequence
from torch.utils.data import Dataset, DataLoader

torch.manual_seed(1)
rng = np.random.default_rng(1)

FEAT_DIM = 32
N_PATIENTS = 16
TUMOR_PROTO = rng.normal(0, 1, FEAT_DIM).astype(np.float32)

slides = []
for patient in range(N_PATIENTS):
    for block in range(int(rng.integers(1, 4))):
        n_tiles = int(rng.integers(10, 29))
        tiles = rng.normal(0, 1, (n_tiles, FEAT_DIM)).astype(np.float32)
        positive = bool(rng.random() < 0.4)
        if positive:
            n_hot = max(1, n_tiles // 6)
            hot = rng.choice(n_tiles, n_hot, replace=False)
            tiles[hot] += 1.5 * TUMOR_PROTO
        slides.append({"patient": f"P{patient:03d}", "block": block,
                       "tiles": tiles, "label": int(positive)})

patient_ids = sorted({s["patient"] for s in slides})
order = rng.permutation(len(patient_ids))
held_out = {patient_ids[i] for i in order[:4]}
train_slides = [s for s in slides if s["patient"] not in held_out]
test_slides = [s for s in slides if s["patient"] in held_out]
print(f"{len(train_slides)} train slides, {len(test_slides)} test slides")


class SlideBags(Dataset):
    def __init__(self, slides, tile_dropout=0.0):
        self.slides = slides
        self.tile_dropout = tile_dropout

    def __len__(self):
        return len(self.slides)

    def __getitem__(self, idx):
        s = self.slides[idx]
        tiles = torch.from_numpy(s["tiles"])
        if self.tile_dropout > 0:
            keep = torch.rand(tiles.size(0)) >= self.tile_dropout
            keep[0] = True
            tiles = tiles[keep]
        return tiles, torch.tensor(float(s["label"]))


def collate_bags(batch):
    bags = [b[0] for b in batch]
    labels = torch.stack([b[1] for b in batch])
    n_tiles = torch.tensor([b.size(0) for b in bags])
    padded = pad_sequence(bags, batch_first=True)
    is_pad = torch.arange(padded.shape[1])[None, :] >= n_tiles[:, None]
    return padded, is_pad, labels


class TileTransformerMIL(nn.Module):
    def __init__(self, feat_dim=FEAT_DIM, d_model=32, n_heads=4, n_layers=1):
        super().__init__()
        self.proj = nn.Sequential(nn.Linear(feat_dim, d_model), nn.GELU())
        layer = nn.TransformerEncoderLayer(d_model, n_heads, dim_feedforward=64,
                                           dropout=0.1, batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, n_layers, enable_nested_tensor=False)
        self.attn_score = nn.Linear(d_model, 1)
        self.classifier = nn.Linear(d_model, 1)

    def forward(self, bags, is_pad):
        h = self.proj(bags)
        h = self.encoder(h, src_key_padding_mask=is_pad)
        scores = self.attn_score(h).squeeze(-1).masked_fill(is_pad, float("-inf"))
        weights = torch.softmax(scores, dim=1)
        slide_emb = (weights.unsqueeze(-1) * h).sum(dim=1)
        return self.classifier(slide_emb).squeeze(-1), weights


train_loader = DataLoader(SlideBags(train_slides, tile_dropout=0.1), batch_size=4,
                          shuffle=True, collate_fn=collate_bags)
test_loader = DataLoader(SlideBags(test_slides), batch_size=4, collate_fn=collate_bags)

model = TileTransformerMIL()
optimizer = torch.optim.AdamW(model.parameters(), lr=3e-4, weight_decay=1e-2)

for epoch in range(3):
    model.train()
    epoch_loss = 0.0
    for bags, is_pad, labels in train_loader:
        logits, _ = model(bags, is_pad)
        loss = F.binary_cross_entropy_with_logits(logits, labels)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        epoch_loss += loss.item() * labels.numel()

    model.eval()
    probs, truth = [], []
    with torch.no_grad():
        for bags, is_pad, labels in test_loader:
            logits, _ = model(bags, is_pad)
            probs.append(torch.sigmoid(logits))
            truth.append(labels)
    probs, truth = torch.cat(probs), torch.cat(truth)
    acc = ((probs > 0.5).float() == truth).float().mean().item()
    print(f"epoch {epoch}: train loss {epoch_loss / len(train_slides):.4f}  test acc {acc:.3f}")
