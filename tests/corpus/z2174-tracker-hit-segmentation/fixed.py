"""Per-hit noise rejection for a silicon pixel tracker.

Each event is a point cloud of hits (x, y, z, charge, layer).  A small transformer encoder
labels every hit as 0 = noise, 1 = track hit, 2 = delta-ray / secondary.
Events are written to an .npz in the case folder, read back by the Dataset, and padded per
batch by collate_hits().
"""
import os

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, Dataset

HERE = os.path.dirname(os.path.abspath(__file__))
EVENTS_PATH = os.path.join(HERE, "pixel_events.npz")

N_LAYERS = 4
LAYER_RADII = np.array([29.0, 68.0, 109.0, 160.0])  # mm
MIN_CHARGE = 0.8        # keV-equivalent threshold, hits below are pedestal noise
IGNORE_LABEL = -100
D_MODEL = 64
N_CLASSES = 3


def write_toy_events(path, n_events=128, seed=11):
    rng = np.random.default_rng(seed)
    hits_per_event, labels_per_event = [], []
    for _ in range(n_events):
        n_tracks = rng.integers(3, 12)
        phi0 = rng.uniform(-np.pi, np.pi, n_tracks)
        eta0 = rng.uniform(-2.0, 2.0, n_tracks)
        rows, labs = [], []
        for layer, r in enumerate(LAYER_RADII):
            for p, e in zip(phi0, eta0):
                phi = p + rng.normal(0, 0.002)
                z = r * np.sinh(e)
                rows.append([r * np.cos(phi), r * np.sin(phi), z, rng.gamma(6.0, 0.5), layer])
                labs.append(1)
            n_noise = rng.poisson(6)
            for _ in range(n_noise):
                phi = rng.uniform(-np.pi, np.pi)
                rows.append([r * np.cos(phi), r * np.sin(phi), rng.uniform(-300, 300),
                             rng.exponential(0.6), layer])
                labs.append(0)
            n_delta = rng.poisson(1)
            for _ in range(n_delta):
                phi = rng.uniform(-np.pi, np.pi)
                rows.append([r * np.cos(phi), r * np.sin(phi), rng.uniform(-300, 300),
                             rng.gamma(10.0, 0.6), layer])
                labs.append(2)
        hits_per_event.append(np.asarray(rows, dtype=np.float32))
        labels_per_event.append(np.asarray(labs, dtype=np.int64))
    np.savez(path,
             hits=np.array(hits_per_event, dtype=object),
             labels=np.array(labels_per_event, dtype=object))


class PixelHitDataset(Dataset):
    def __init__(self, path, min_charge=MIN_CHARGE):
        data = np.load(path, allow_pickle=True)
        self.hits = list(data["hits"])
        self.labels = list(data["labels"])
        self.min_charge = min_charge

    def __len__(self):
        return len(self.hits)

    def _normalise(self, hits):
        out = hits.copy()
        out[:, 0:2] /= LAYER_RADII[-1]
        out[:, 2] /= 300.0
        out[:, 3] = np.log1p(out[:, 3])
        out[:, 4] /= N_LAYERS - 1
        return out

    def __getitem__(self, idx):
        hits = self.hits[idx]
        labels = self.labels[idx]
        above_threshold = hits[:, 3] > self.min_charge
        hits = hits[above_threshold]
        labels = labels[above_threshold]
        return torch.from_numpy(self._normalise(hits)), torch.from_numpy(labels)


def collate_hits(batch):
    hit_list, label_list = zip(*batch)
    lengths = torch.tensor([h.shape[0] for h in hit_list])
    hits = nn.utils.rnn.pad_sequence(hit_list, batch_first=True, padding_value=0.0)
    labels = nn.utils.rnn.pad_sequence(label_list, batch_first=True, padding_value=IGNORE_LABEL)
    pad_mask = torch.arange(hits.shape[1])[None, :] >= lengths[:, None]
    return hits, labels, pad_mask


class HitTransformer(nn.Module):
    def __init__(self, in_dim=5, d_model=D_MODEL, n_heads=4, n_layers=2, n_classes=N_CLASSES):
        super().__init__()
        self.embed = nn.Sequential(nn.Linear(in_dim, d_model), nn.GELU(), nn.Linear(d_model, d_model))
        self.layer_emb = nn.Embedding(N_LAYERS, d_model)
        enc_layer = nn.TransformerEncoderLayer(d_model, n_heads, dim_feedforward=2 * d_model,
                                               dropout=0.1, batch_first=True)
        self.encoder = nn.TransformerEncoder(enc_layer, n_layers, enable_nested_tensor=False)
        self.classifier = nn.Linear(d_model, n_classes)

    def forward(self, hits, pad_mask):
        layer_idx = (hits[..., 4] * (N_LAYERS - 1)).round().long().clamp(0, N_LAYERS - 1)
        x = self.embed(hits) + self.layer_emb(layer_idx)
        x = self.encoder(x, src_key_padding_mask=pad_mask)
        return self.classifier(x)


def main():
    torch.manual_seed(0)
    if not os.path.exists(EVENTS_PATH):
        write_toy_events(EVENTS_PATH)

    ds = PixelHitDataset(EVENTS_PATH)
    loader = DataLoader(ds, batch_size=16, shuffle=True, collate_fn=collate_hits)
    model = HitTransformer()
    opt = torch.optim.Adam(model.parameters(), lr=5e-4)
    class_weights = torch.tensor([1.0, 1.0, 3.0])

    for epoch in range(2):
        model.train()
        total, n_hits = 0.0, 0
        for hits, labels, pad_mask in loader:
            logits = model(hits, pad_mask)
            loss = F.cross_entropy(logits.reshape(-1, N_CLASSES), labels.reshape(-1),
                                   weight=class_weights, ignore_index=IGNORE_LABEL)
            opt.zero_grad()
            loss.backward()
            opt.step()
            valid = (labels != IGNORE_LABEL).sum().item()
            total += loss.item() * valid
            n_hits += valid
        print(f"epoch {epoch}: mean hit loss {total / n_hits:.4f}")


if __name__ == "__main__":
    main()
