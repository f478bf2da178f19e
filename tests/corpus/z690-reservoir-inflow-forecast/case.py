"""Multi-step inflow forecasting with a small BERT encoder over hourly readings.

The same script serves several gauging stations; each station has its own
context length and forecast horizon in STATIONS.
"""
import logging
import math
import random

import lightning as L
import torch
import torch.nn.functional as F
from torch import nn
from torch.utils.data import DataLoader, TensorDataset
from transformers import BertConfig, BertModel

logging.basicConfig(level=logging.INFO, format="%(levelname)s %(message)s")
log = logging.getLogger("inflow")

STATIONS = {
    "reservoir_inflow": {"context": 36, "horizon": 6, "period": 24, "scale": 40.0},
    "karst_spring": {"context": 36, "horizon": 8, "period": 24, "scale": 5.0},
    "glacier_outlet": {"context": 36, "horizon": 12, "period": 24, "scale": 15.0},
}
STATION = "reservoir_inflow"
N_HOURS = 400


def synth_series(period, scale, n_hours, seed):
    rng = random.Random(seed)
    level, out = scale, []
    for t in range(n_hours):
        level = 0.97 * level + 0.03 * scale + rng.gauss(0, 0.05 * scale)
        out.append(level + 0.3 * scale * math.sin(2 * math.pi * t / period))
    return torch.tensor(out, dtype=torch.float32)


def make_windows(series, context_len, steps_ahead):
    inputs, targets = [], []
    last_start = len(series) - context_len - steps_ahead
    for start in range(0, last_start + 1, 2):
        cut = start + context_len
        inputs.append(series[start:cut])
        targets.append(series[cut:cut + steps_ahead])
    return torch.stack(inputs), torch.stack(targets)


class InflowWindows(L.LightningDataModule):
    def __init__(self, series, context_len, steps_ahead, batch_size=16):
        super().__init__()
        self.series, self.context_len = series, context_len
        self.steps_ahead, self.batch_size = steps_ahead, batch_size

    def setup(self, stage=None):
        mu, sd = self.series.mean(), self.series.std()
        normed = (self.series - mu) / sd
        x, y = make_windows(normed, self.context_len, self.steps_ahead)
        split = int(0.8 * len(x))
        self.train_set = TensorDataset(x[:split], y[:split])
        self.val_set = TensorDataset(x[split:], y[split:])
        log.info("windows: %d train / %d val", split, len(x) - split)

    def train_dataloader(self):
        return DataLoader(self.train_set, batch_size=self.batch_size, shuffle=True)

    def val_dataloader(self):
        return DataLoader(self.val_set, batch_size=self.batch_size)


class InflowForecaster(L.LightningModule):
    def __init__(self, context_len, horizon, hidden=32, lr=1e-3):
        super().__init__()
        self.save_hyperparameters()
        self.value_proj = nn.Linear(1, hidden)
        cfg = BertConfig(vocab_size=8, hidden_size=hidden, num_hidden_layers=1, num_attention_heads=2,
                         intermediate_size=64, max_position_embeddings=context_len + 8)
        self.encoder = BertModel(cfg, add_pooling_layer=False)
        self.head = nn.Linear(hidden, horizon)

    def forward(self, history):
        embedded = self.value_proj(history.unsqueeze(-1))
        states = self.encoder(inputs_embeds=embedded).last_hidden_state
        return self.head(states.mean(dim=1))

    def training_step(self, batch, batch_idx):
        history, future = batch
        loss = F.mse_loss(self(history), future)
        return loss

    def validation_step(self, batch, batch_idx):
        history, future = batch
        self.log("val_mse", F.mse_loss(self(history), future), prog_bar=False)

    def configure_optimizers(self):
        return torch.optim.AdamW(self.parameters(), lr=self.hparams.lr)


def main():
    L.seed_everything(21, verbose=False)
    for name, spec in STATIONS.items():
        log.info("station %-16s context=%3d horizon=%2d", name, spec["context"], spec["horizon"])

    station_cfg = STATIONS[STATION]
    series = synth_series(station_cfg["period"], station_cfg["scale"], N_HOURS, seed=3)
    data = InflowWindows(series, station_cfg["context"], spec["horizon"])
    model = InflowForecaster(station_cfg["context"], station_cfg["horizon"])

    trainer = L.Trainer(max_epochs=1, accelerator="cpu", enable_progress_bar=False, logger=False,
                        enable_checkpointing=False, enable_model_summary=False)
    trainer.fit(model, datamodule=data)
    metrics = trainer.validate(model, datamodule=data, verbose=False)
    log.info("%s: validation mse %.4f", STATION, metrics[0]["val_mse"])


if __name__ == "__main__":
    main()
