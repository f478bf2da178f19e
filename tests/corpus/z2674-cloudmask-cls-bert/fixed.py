"""Early-season yield-class prediction from cloud-screened PlanetScope field
time series, encoded with a small BERT over per-date reflectance embeddings."""
import math
from dataclasses import dataclass
from functools import partial

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, TensorDataset
from transformers import BertConfig, BertModel

torch.manual_seed(11)
np.random.seed(11)


@dataclass
class ExpCfg:
    n_fields: int = 160
    n_dates: int = 30
    n_bands: int = 4                # blue, green, red, nir
    n_yield_classes: int = 3        # low / mid / high tercile
    cloud_prob: float = 0.3
    batch_size: int = 16
    lr: float = 5e-4
    epochs: int = 2
    arch: str = "bert-ts-tiny"


def make_fields(cfg):
    doy = np.linspace(100, 250, cfg.n_dates)
    vigor = np.random.uniform(0.4, 1.0, size=cfg.n_fields)
    curve = np.exp(-0.5 * ((doy[None] - 175) / 35) ** 2) * vigor[:, None]
    refl = np.stack([0.05 + 0.02 * curve, 0.08 + 0.03 * curve,
                     0.10 - 0.05 * curve, 0.20 + 0.40 * curve], axis=-1)
    refl += np.random.normal(0, 0.01, refl.shape)
    cloudy = np.random.rand(cfg.n_fields, cfg.n_dates) < cfg.cloud_prob
    refl[cloudy] = np.nan
    yield_t_ha = 4 + 8 * vigor + np.random.normal(0, 0.5, cfg.n_fields)
    cuts = np.quantile(yield_t_ha, [1 / 3, 2 / 3])
    y = np.digitize(yield_t_ha, cuts)
    return refl.astype(np.float32), y


def to_tensors(refl, y):
    clear = ~np.isnan(refl).any(-1)
    x = np.nan_to_num(refl, nan=0.0)
    return (torch.from_numpy(x), torch.from_numpy(clear.astype(np.int64)),
            torch.from_numpy(y).long())


class DateEmbedder(nn.Module):
    def __init__(self, n_bands, hidden):
        super().__init__()
        self.proj = nn.Sequential(nn.Linear(n_bands + 1, hidden), nn.GELU(), nn.Linear(hidden, hidden))

    def forward(self, x):
        ndvi = (x[..., 3] - x[..., 2]) / (x[..., 3] + x[..., 2] + 1e-6)
        return self.proj(torch.cat([x, ndvi.unsqueeze(-1)], dim=-1))


class FieldSeriesBert(nn.Module):
    def __init__(self, bert_cfg, n_bands, n_classes):
        super().__init__()
        self.embed = DateEmbedder(n_bands, bert_cfg.hidden_size)
        self.cls_token = nn.Parameter(torch.randn(1, 1, bert_cfg.hidden_size) * 0.02)
        self.bert = BertModel(bert_cfg, add_pooling_layer=False)
        self.head = nn.Linear(bert_cfg.hidden_size, n_classes)

    def forward(self, x, clear_mask):
        tokens = self.embed(x)
        tokens = torch.cat([self.cls_token.expand(len(x), -1, -1), tokens], dim=1)
        clear_mask = torch.cat([clear_mask.new_ones(len(x), 1), clear_mask], dim=1)
        out = self.bert(inputs_embeds=tokens, attention_mask=clear_mask)
        return self.head(out.last_hidden_state[:, 0])


def bert_ts(hidden, layers, heads, n_dates, n_bands, n_classes):
    bert_cfg = BertConfig(vocab_size=8, hidden_size=hidden, num_hidden_layers=layers,
                          num_attention_heads=heads, intermediate_size=2 * hidden,
                          max_position_embeddings=n_dates + 2, type_vocab_size=1)
    return FieldSeriesBert(bert_cfg, n_bands, n_classes)


ARCHS = {
    "bert-ts-tiny": partial(bert_ts, hidden=32, layers=1, heads=2),
    "bert-ts-base": partial(bert_ts, hidden=64, layers=2, heads=4),
}


def loss_and_acc(model, batch, criterion):
    x, m, y = batch
    logits = model(x, m)
    return criterion(logits, y), (logits.argmax(-1) == y).float().mean()


def fit(model, train_dl, val_dl, cfg):
    opt = torch.optim.AdamW(model.parameters(), lr=cfg.lr)
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda step: min(1.0, (step + 1) / 10) * 0.5 * (1 + math.cos(math.pi * step / 40)))
    criterion = nn.CrossEntropyLoss()
    for epoch in range(cfg.epochs):
        model.train()
        for batch in train_dl:
            loss, _ = loss_and_acc(model, batch, criterion)
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
        model.eval()
        with torch.no_grad():
            accs = [loss_and_acc(model, b, criterion)[1].item() for b in val_dl]
        print(f"epoch {epoch}: last train loss {loss.item():.3f}, val acc {np.mean(accs):.3f}")
    return model


def main():
    cfg = ExpCfg()
    refl, y = make_fields(cfg)
    x, clear, labels = to_tensors(refl, y)
    split = int(0.8 * cfg.n_fields)
    train_dl = DataLoader(TensorDataset(x[:split], clear[:split], labels[:split]),
                          batch_size=cfg.batch_size, shuffle=True)
    val_dl = DataLoader(TensorDataset(x[split:], clear[split:], labels[split:]),
                        batch_size=cfg.batch_size)
    model = ARCHS[cfg.arch](n_dates=cfg.n_dates, n_bands=cfg.n_bands, n_classes=cfg.n_yield_classes)
    fit(model, train_dl, val_dl, cfg)


if __name__ == "__main__":
    main()
