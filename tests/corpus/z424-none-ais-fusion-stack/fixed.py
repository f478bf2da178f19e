"""Vessel-type classifier from AIS tracks + registry data (Lightning)."""
import math
from dataclasses import dataclass

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, Dataset
import lightning.pytorch as pl

VESSEL_TYPES = ["cargo", "tanker", "fishing", "passenger", "tug"]


@dataclass
class Cfg:
    n_tracks: int = 320
    track_len: int = 30
    track_feats: int = 4      # d_lat, d_lon, sog, cog
    static_feats: int = 6     # length, beam, draught, gross tonnage, age, flag bucket
    hidden: int = 64
    batch_size: int = 16
    lr: float = 2e-3
    seed: int = 7


class AISTracks(Dataset):
    def __init__(self, cfg: Cfg):
        g = torch.Generator().manual_seed(cfg.seed)
        self.labels = torch.randint(0, len(VESSEL_TYPES), (cfg.n_tracks,), generator=g)
        speed_by_type = torch.tensor([12.0, 11.0, 4.0, 18.0, 6.0])
        sog = speed_by_type[self.labels][:, None] + torch.randn(cfg.n_tracks, cfg.track_len, generator=g)
        cog = torch.rand(cfg.n_tracks, 1, generator=g) * 2 * math.pi
        cog = cog + 0.1 * torch.randn(cfg.n_tracks, cfg.track_len, generator=g).cumsum(1)
        d_lat = sog * torch.cos(cog) / 600.0
        d_lon = sog * torch.sin(cog) / 600.0
        self.tracks = torch.stack([d_lat, d_lon, sog / 20.0, cog / math.pi], dim=-1)
        size_by_type = torch.tensor([190.0, 220.0, 25.0, 150.0, 30.0])
        length = size_by_type[self.labels] * (1 + 0.1 * torch.randn(cfg.n_tracks, generator=g))
        self.static = torch.stack([
            length / 200.0,
            length / 1200.0 + 0.01 * torch.randn(cfg.n_tracks, generator=g),
            torch.rand(cfg.n_tracks, generator=g),
            (length / 200.0) ** 2,
            torch.rand(cfg.n_tracks, generator=g),
            torch.randint(0, 8, (cfg.n_tracks,), generator=g).float() / 8,
        ], dim=-1)

    def __len__(self):
        return len(self.labels)

    def __getitem__(self, i):
        return {"track": self.tracks[i], "static": self.static[i], "vessel_type": self.labels[i]}


class TrackEncoder(nn.Module):
    def __init__(self, in_dim, hidden):
        super().__init__()
        self.gru = nn.GRU(in_dim, hidden, batch_first=True)

    def forward(self, x):
        _, h = self.gru(x)
        return h[-1]


class StaticEncoder(nn.Module):
    def __init__(self, in_dim, hidden):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(in_dim, hidden), nn.GELU(), nn.Linear(hidden, hidden))

    def forward(self, x):
        return self.net(x)


class VesselClassifier(pl.LightningModule):
    def __init__(self, cfg: Cfg):
        super().__init__()
        self.cfg = cfg
        self.track_enc = TrackEncoder(cfg.track_feats, cfg.hidden)
        self.static_enc = StaticEncoder(cfg.static_feats, cfg.hidden)
        self.classifier = nn.Sequential(
            nn.Linear(2 * cfg.hidden, cfg.hidden),
            nn.ReLU(),
            nn.Dropout(0.1),
            nn.Linear(cfg.hidden, len(VESSEL_TYPES)),
        )

    def forward(self, track, static):
        track_vec = self.track_enc(track)
        static_vec = self.static_enc(static)
        fused = torch.cat([track_vec, static_vec], dim=-1)
        return self.classifier(fused)

    def training_step(self, batch, batch_idx):
        logits = self(batch["track"], batch["static"])
        loss = F.cross_entropy(logits, batch["vessel_type"])
        acc = (logits.argmax(-1) == batch["vessel_type"]).float().mean()
        self.log_dict({"train_loss": loss, "train_acc": acc}, prog_bar=False)
        return loss

    def configure_optimizers(self):
        return torch.optim.AdamW(self.parameters(), lr=self.cfg.lr)


def main():
    cfg = Cfg()
    pl.seed_everything(cfg.seed, verbose=False)
    loader = DataLoader(AISTracks(cfg), batch_size=cfg.batch_size, shuffle=True)
    model = VesselClassifier(cfg)
    trainer = pl.Trainer(
        max_epochs=1,
        accelerator="cpu",
        enable_progress_bar=False,
        logger=False,
        enable_checkpointing=False,
        enable_model_summary=False,
    )
    trainer.fit(model, loader)
    print("done, final loss:", float(trainer.callback_metrics["train_loss"]))


if __name__ == "__main__":
    main()
