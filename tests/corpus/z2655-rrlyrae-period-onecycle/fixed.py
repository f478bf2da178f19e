"""Period regression for RR Lyrae / Cepheid light curves.

Sparse survey photometry is phase-folded on a coarse trial period and binned;
a tiny BERT encoder (fed through inputs_embeds) regresses log10(period) from
the binned, folded light curve. Training uses a one-cycle learning-rate policy.
"""
import math
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, Dataset, random_split
from transformers import BertConfig, BertModel


@dataclass
class SurveyConfig:
    n_stars: int = 150
    n_epochs_obs: int = 80
    baseline_days: float = 400.0
    n_phase_bins: int = 32
    seed: int = 21


@dataclass
class RegressorConfig:
    d_model: int = 32
    n_layers: int = 1
    n_heads: int = 2
    in_channels: int = 2


@dataclass
class ScheduleConfig:
    batch_size: int = 16
    max_lr: float = 3e-3
    epochs: int = 3
    val_fraction: float = 0.2


class VariableStarSurvey(Dataset):
    def __init__(self, cfg: SurveyConfig):
        self.cfg = cfg
        rng = np.random.default_rng(cfg.seed)
        self.samples = []
        for _ in range(cfg.n_stars):
            is_cepheid = rng.random() < 0.3
            period = rng.uniform(3, 30) if is_cepheid else rng.uniform(0.3, 0.9)
            t = np.sort(rng.uniform(0, cfg.baseline_days, cfg.n_epochs_obs))
            mag = self._template(t, period, rng, is_cepheid)
            self.samples.append((self._fold_and_bin(t, mag, period * rng.uniform(0.97, 1.03)), math.log10(period)))

    @staticmethod
    def _template(t, period, rng, cepheid):
        phase = (t / period + rng.random()) % 1.0
        amp = rng.uniform(0.3, 1.0)
        skew = 0.15 if cepheid else 0.08
        shape = np.where(phase < skew, phase / skew, 1 - (phase - skew) / (1 - skew))
        return 15.0 - amp * shape + rng.normal(0, 0.03, t.shape)

    def _fold_and_bin(self, t, mag, trial_period):
        nb = self.cfg.n_phase_bins
        phase = (t / trial_period) % 1.0
        idx = np.minimum((phase * nb).astype(int), nb - 1)
        sums = np.bincount(idx, weights=mag - np.median(mag), minlength=nb)
        counts = np.bincount(idx, minlength=nb)
        binned = np.divide(sums, counts, out=np.zeros(nb), where=counts > 0)
        return np.stack([binned, np.log1p(counts)], axis=-1).astype(np.float32)

    def __len__(self):
        return len(self.samples)

    def __getitem__(self, i):
        x, y = self.samples[i]
        return torch.from_numpy(x), torch.tensor(y, dtype=torch.float32)


class PeriodRegressor(nn.Module):
    def __init__(self, cfg: RegressorConfig, n_bins: int):
        super().__init__()
        self.embed = nn.Linear(cfg.in_channels, cfg.d_model)
        self.bert = BertModel(BertConfig(
            vocab_size=4, hidden_size=cfg.d_model, num_hidden_layers=cfg.n_layers,
            num_attention_heads=cfg.n_heads, intermediate_size=2 * cfg.d_model,
            max_position_embeddings=n_bins,
        ))
        self.out = nn.Linear(cfg.d_model, 1)

    def forward(self, x):
        states = self.bert(inputs_embeds=self.embed(x)).last_hidden_state
        return self.out(states.mean(dim=1)).squeeze(-1)

    def predict_period(self, x):
        with torch.no_grad():
            return 10 ** self.forward(x)


class Trainer:
    def __init__(self, model, cfg: ScheduleConfig, n_train: int):
        self.model, self.cfg = model, cfg
        self.optimizer = torch.optim.AdamW(model.parameters(), lr=cfg.max_lr / 25)
        steps_per_epoch = math.ceil(n_train / cfg.batch_size)
        self.scheduler = torch.optim.lr_scheduler.OneCycleLR(
            self.optimizer, max_lr=cfg.max_lr, epochs=cfg.epochs, steps_per_epoch=steps_per_epoch
        )
        self.loss_fn = nn.SmoothL1Loss(beta=0.1)

    def train_one_epoch(self, loader):
        self.model.train()
        total = 0.0
        for x, log_p in loader:
            loss = self.loss_fn(self.model(x), log_p)
            self.optimizer.zero_grad()
            loss.backward()
            self.optimizer.step()
            self.scheduler.step()
            total += loss.item() * len(x)
        return total / len(loader.dataset)

    @torch.no_grad()
    def validate(self, loader):
        self.model.eval()
        errs = [torch.abs(self.model(x) - y) for x, y in loader]
        return torch.cat(errs).median().item()

    def fit(self, train_loader, val_loader):
        for epoch in range(self.cfg.epochs):
            tr = self.train_one_epoch(train_loader)
            med = self.validate(val_loader)
            lr = self.scheduler.get_last_lr()[0]
            print(f"epoch {epoch}: train {tr:.4f}  val |dlogP| {med:.4f}  lr {lr:.2e}")


def main():
    torch.manual_seed(0)
    survey_cfg, sched_cfg = SurveyConfig(), ScheduleConfig()
    survey = VariableStarSurvey(survey_cfg)
    n_val = int(len(survey) * sched_cfg.val_fraction)
    train_set, val_set = random_split(survey, [len(survey) - n_val, n_val],
                                      generator=torch.Generator().manual_seed(0))
    train_loader = DataLoader(train_set, batch_size=sched_cfg.batch_size, shuffle=True)
    val_loader = DataLoader(val_set, batch_size=64)
    model = PeriodRegressor(RegressorConfig(), n_bins=survey_cfg.n_phase_bins)
    trainer = Trainer(model, sched_cfg, n_train=len(train_set))
    trainer.fit(train_loader, val_loader)
    x0, _ = val_set[0]
    print("predicted period [d]:", model.predict_period(x0.unsqueeze(0)).item())


if __name__ == "__main__":
    main()
