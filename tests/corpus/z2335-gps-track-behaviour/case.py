"""Behavioural state classification of GPS-tagged white storks from 30-fix track windows."""
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, Dataset
from transformers import BertConfig, BertModel


@dataclass
class TrackConfig:
    window: int = 30
    fix_interval_min: int = 5
    n_tags: int = 12
    windows_per_tag: int = 10
    behaviours: tuple = ("resting", "foraging", "commuting", "soaring")
    hidden: int = 32
    layers: int = 1
    heads: int = 2
    batch_size: int = 16
    lr: float = 5e-4
    epochs: int = 2
    seed: int = 3


# step length (m), turning-angle concentration, climb rate (m/fix) for each behaviour
MOVE_PARAMS = {
    0: (3.0, 0.2, 0.0),
    1: (40.0, 0.8, 0.5),
    2: (900.0, 8.0, 2.0),
    3: (400.0, 1.5, 25.0),
}


def simulate_window(rng, behaviour, cfg):
    step_mu, kappa, climb = MOVE_PARAMS[behaviour]
    heading = rng.uniform(-np.pi, np.pi)
    x, y, alt = rng.uniform(0, 5e4), rng.uniform(0, 5e4), rng.uniform(50, 300)
    hour0 = rng.uniform(5, 18)
    rows = []
    for k in range(cfg.window):
        heading += rng.vonmises(0.0, kappa)
        step = rng.gamma(2.0, step_mu / 2.0)
        x, y = x + step * np.cos(heading), y + step * np.sin(heading)
        alt = max(0.0, alt + rng.normal(climb, 3.0))
        temp = 18 + 6 * np.sin((hour0 - 9) / 24 * 2 * np.pi) + rng.normal(0, 0.5)
        hour = (hour0 + k * cfg.fix_interval_min / 60) % 24
        rows.append((x, y, alt, temp, hour))
    return np.asarray(rows, dtype=np.float64)


def movement_features(fixes):
    """fixes: (T, 5) [x, y, alt, temp, hour] -> (T, 7) per-fix movement metrics"""
    dxy = np.diff(fixes[:, :2], axis=0, prepend=fixes[:1, :2])
    step = np.hypot(dxy[:, 0], dxy[:, 1])
    heading = np.arctan2(dxy[:, 1], dxy[:, 0])
    turn = np.diff(heading, prepend=heading[:1])
    d_alt = np.diff(fixes[:, 2], prepend=fixes[:1, 2])
    hour = fixes[:, 4] / 24 * 2 * np.pi
    feats = np.stack([
        np.log1p(step), np.sin(turn), np.cos(turn), d_alt,
        fixes[:, 3], np.sin(hour), np.cos(hour),
    ], axis=1)
    return feats.astype(np.float32)


def build_tracks(cfg, rng):
    tracks = []
    for tag in range(cfg.n_tags):
        for _ in range(cfg.windows_per_tag):
            b = int(rng.integers(len(cfg.behaviours)))
            fixes = simulate_window(rng, b, cfg)
            tracks.append({"tag": f"DER-{tag:03d}", "fixes": fixes,
                           "features": movement_features(fixes), "behaviour": b})
    return tracks


def fit_normaliser(tracks):
    stacked = np.concatenate([tr["fixes"] for tr in tracks], axis=0)
    return stacked.mean(0).astype(np.float32), (stacked.std(0) + 1e-6).astype(np.float32)


class TrackWindows(Dataset):
    def __init__(self, tracks):
        self.tracks = tracks

    def __len__(self):
        return len(self.tracks)

    def __getitem__(self, i):
        tr = self.tracks[i]
        return tr["features"], tr["behaviour"]


def collate_windows(batch):
    feats = torch.from_numpy(np.stack([f for f, _ in batch]))
    labels = torch.tensor([b for _, b in batch], dtype=torch.long)
    return {"feats": feats, "labels": labels}


class TrackBehaviourModel(nn.Module):
    def __init__(self, cfg, feat_mean, feat_std, n_feats):
        super().__init__()
        self.register_buffer("feat_mean", torch.as_tensor(feat_mean))
        self.register_buffer("feat_std", torch.as_tensor(feat_std))
        self.proj = nn.Linear(n_feats, cfg.hidden)
        bert_cfg = BertConfig(vocab_size=4, hidden_size=cfg.hidden, num_hidden_layers=cfg.layers,
                              num_attention_heads=cfg.heads, intermediate_size=4 * cfg.hidden,
                              max_position_embeddings=64)
        self.encoder = BertModel(bert_cfg, add_pooling_layer=False)
        self.classifier = nn.Linear(cfg.hidden, len(cfg.behaviours))

    def forward(self, feats):
        z = (feats - self.feat_mean) / self.feat_std
        h = self.encoder(inputs_embeds=self.proj(z)).last_hidden_state
        return self.classifier(h.mean(dim=1))


def main():
    cfg = TrackConfig()
    torch.manual_seed(cfg.seed)
    rng = np.random.default_rng(cfg.seed)
    tracks = build_tracks(cfg, rng)
    val_tags = {"DER-010", "DER-011"}
    train_tracks = [t for t in tracks if t["tag"] not in val_tags]
    val_tracks = [t for t in tracks if t["tag"] in val_tags]

    mean, std = fit_normaliser(train_tracks)
    n_feats = train_tracks[0]["features"].shape[1]
    model = TrackBehaviourModel(cfg, mean, std, n_feats)
    opt = torch.optim.AdamW(model.parameters(), lr=cfg.lr)
    train_dl = DataLoader(TrackWindows(train_tracks), batch_size=cfg.batch_size, shuffle=True,
                          collate_fn=collate_windows)
    val_dl = DataLoader(TrackWindows(val_tracks), batch_size=cfg.batch_size, collate_fn=collate_windows)
    loss_fn = nn.CrossEntropyLoss()

    for epoch in range(cfg.epochs):
        model.train()
        for batch in train_dl:
            loss = loss_fn(model(batch["feats"]), batch["labels"])
            opt.zero_grad()
            loss.backward()
            opt.step()
        model.eval()
        hits = 0
        with torch.no_grad():
            for batch in val_dl:
                hits += (model(batch["feats"]).argmax(-1) == batch["labels"]).sum().item()
        print(f"epoch {epoch}: train loss {loss.item():.3f}  held-out-tag acc {hits / len(val_tracks):.2f}")


if __name__ == "__main__":
    main()
