"""Semileptonic ttbar vs W+jets event classification from reconstructed objects.

Every event is a variable-length set of physics objects (jets, one lepton, MET)
that is padded in the collate_fn and fed to a transformer encoder; the
encoded set is mean-pooled over real objects only.
"""
import math

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, Dataset, random_split

SEED = 2024
N_EVENTS = 600
MAX_JETS = 10
OBJ_TYPES = {"jet": 0, "lepton": 1, "met": 2}
N_FEATURES = 6   # log pt, eta, sin phi, cos phi, log E, btag score


class CollisionEventDataset(Dataset):
    def __init__(self, n_events, seed):
        rng = np.random.default_rng(seed)
        self.events = [self._make_event(rng) for _ in range(n_events)]

    @staticmethod
    def _obj(pt, eta, phi, btag=0.0):
        energy = pt * math.cosh(eta)
        return [math.log(pt), eta, math.sin(phi), math.cos(phi), math.log(energy), btag]

    def _make_event(self, rng):
        is_ttbar = int(rng.random() < 0.5)
        n_jets = int(np.clip(rng.poisson(5.5 if is_ttbar else 2.8) + 1, 1, MAX_JETS))
        n_b = min(n_jets, rng.binomial(2, 0.7) if is_ttbar else rng.binomial(1, 0.1))
        feats, types = [], []
        for j in range(n_jets):
            pt = 25 + rng.exponential(70 if is_ttbar else 40)
            btag = rng.beta(5, 1.5) if j < n_b else rng.beta(1.2, 6)
            feats.append(self._obj(pt, rng.normal(0, 1.4), rng.uniform(-math.pi, math.pi), btag))
            types.append(OBJ_TYPES["jet"])
        feats.append(self._obj(27 + rng.exponential(35), rng.normal(0, 1.1), rng.uniform(-math.pi, math.pi)))
        types.append(OBJ_TYPES["lepton"])
        feats.append(self._obj(10 + rng.exponential(55 if is_ttbar else 40), 0.0, rng.uniform(-math.pi, math.pi)))
        types.append(OBJ_TYPES["met"])
        return {
            "features": np.asarray(feats, dtype=np.float32),
            "types": np.asarray(types, dtype=np.int64),
            "label": is_ttbar,
        }

    def __len__(self):
        return len(self.events)

    def __getitem__(self, idx):
        return self.events[idx]


def pad_events(batch):
    max_n = max(len(ev["types"]) for ev in batch)
    feats = torch.zeros(len(batch), max_n, N_FEATURES)
    types = torch.zeros(len(batch), max_n, dtype=torch.long)
    pad_mask = []
    for i, ev in enumerate(batch):
        n = len(ev["types"])
        feats[i, :n] = torch.from_numpy(ev["features"])
        types[i, :n] = torch.from_numpy(ev["types"])
        pad_mask.append([0] * n + [1] * (max_n - n))
    return {
        "features": feats,
        "types": types,
        "pad_mask": torch.tensor(pad_mask),
        "label": torch.tensor([ev["label"] for ev in batch], dtype=torch.float32),
    }


class ObjectSetTransformer(nn.Module):
    def __init__(self, n_features, d_model=32, n_heads=4, n_layers=2, dropout=0.1):
        super().__init__()
        self.embed = nn.Linear(n_features, d_model)
        self.type_embed = nn.Embedding(len(OBJ_TYPES), d_model)
        layer = nn.TransformerEncoderLayer(d_model, n_heads, dim_feedforward=2 * d_model,
                                           dropout=dropout, batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, n_layers, enable_nested_tensor=False)
        self.head = nn.Sequential(nn.Linear(d_model, d_model), nn.GELU(), nn.Linear(d_model, 1))

    def forward(self, features, types, pad_mask):
        h = self.embed(features) + self.type_embed(types)
        h = self.encoder(h, src_key_padding_mask=pad_mask)
        real = (~pad_mask).unsqueeze(-1).float()
        pooled = (h * real).sum(1) / real.sum(1).clamp(min=1.0)
        return self.head(pooled).squeeze(-1)


def run_epoch(model, loader, loss_fn, opt=None):
    training = opt is not None
    model.train(training)
    tot_loss, correct, count = 0.0, 0, 0
    with torch.set_grad_enabled(training):
        for batch in loader:
            logits = model(batch["features"], batch["types"], batch["pad_mask"])
            loss = loss_fn(logits, batch["label"])
            if training:
                opt.zero_grad()
                loss.backward()
                nn.utils.clip_grad_norm_(model.parameters(), 1.0)
                opt.step()
            tot_loss += loss.item() * len(logits)
            correct += ((logits > 0).float() == batch["label"]).sum().item()
            count += len(logits)
    return tot_loss / count, correct / count


def main():
    torch.manual_seed(SEED)
    ds = CollisionEventDataset(N_EVENTS, SEED)
    n_val = N_EVENTS // 5
    train_ds, val_ds = random_split(ds, [N_EVENTS - n_val, n_val],
                                    generator=torch.Generator().manual_seed(SEED))
    train_loader = DataLoader(train_ds, batch_size=64, shuffle=True, collate_fn=pad_events)
    val_loader = DataLoader(val_ds, batch_size=128, collate_fn=pad_events)

    model = ObjectSetTransformer(N_FEATURES)
    opt = torch.optim.AdamW(model.parameters(), lr=2e-3, weight_decay=1e-4)
    loss_fn = nn.BCEWithLogitsLoss()

    for epoch in range(4):
        tr_loss, tr_acc = run_epoch(model, train_loader, loss_fn, opt)
        va_loss, va_acc = run_epoch(model, val_loader, loss_fn)
        print(f"epoch {epoch}: train {tr_loss:.4f}/{tr_acc:.3f}  val {va_loss:.4f}/{va_acc:.3f}")


if __name__ == "__main__":
    main()
