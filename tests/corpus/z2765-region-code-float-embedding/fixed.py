"""Motor claim frequency model: Poisson GLM-ish net with region / vehicle-group
embeddings and a log-exposure offset. Policy data held as a numpy structured array."""
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, Dataset

RATING_COLUMNS = [
    "policy_id",
    "region_code",
    "veh_group",
    "driver_age",
    "bonus_malus",
    "veh_age",
    "exposure",
    "claim_count",
]
POLICY_DTYPE = np.dtype([(name, "i8" if name in ("region_code", "veh_group") else "f8")
                         for name in RATING_COLUMNS])

N_REGIONS = 22
N_VEH_GROUPS = 12


@dataclass
class FreqConfig:
    region_dim: int = 4
    veh_dim: int = 3
    hidden: int = 16
    lr: float = 5e-3
    batch_size: int = 128
    epochs: int = 3
    seed: int = 11


def simulate_portfolio(n, rng):
    pf = np.zeros(n, dtype=POLICY_DTYPE)
    pf["policy_id"] = np.arange(n)
    pf["region_code"] = rng.integers(0, N_REGIONS, size=n)
    pf["veh_group"] = rng.integers(0, N_VEH_GROUPS, size=n)
    pf["driver_age"] = rng.integers(18, 85, size=n)
    pf["bonus_malus"] = rng.choice([50, 60, 70, 80, 90, 100, 125, 150], size=n)
    pf["veh_age"] = rng.integers(0, 20, size=n)
    pf["exposure"] = np.clip(rng.beta(4, 1.5, size=n), 0.05, 1.0)
    region_eff = rng.normal(0, 0.25, size=N_REGIONS)
    lam = np.exp(-2.3 + region_eff[pf["region_code"].astype(int)]
                 + 0.006 * (pf["bonus_malus"] - 100)
                 - 0.01 * (pf["driver_age"] - 45))
    pf["claim_count"] = rng.poisson(lam * pf["exposure"])
    return pf


def continuous_block(pf):
    cols = {
        "age": (pf["driver_age"] - 45.0) / 15.0,
        "bm": np.log(pf["bonus_malus"] / 100.0),
        "veh_age": pf["veh_age"] / 10.0,
    }
    return np.column_stack(list(cols.values())).astype(np.float32)


class PolicyDataset(Dataset):
    def __init__(self, pf):
        self.pf = pf
        self.cont = continuous_block(pf)

    def __len__(self):
        return len(self.pf)

    def __getitem__(self, i):
        row = self.pf[i]
        return {
            "region": row["region_code"],
            "veh": row["veh_group"],
            "cont": self.cont[i],
            "log_expo": np.float32(np.log(row["exposure"])),
            "n_claims": np.float32(row["claim_count"]),
        }


class FrequencyNet(nn.Module):
    def __init__(self, cfg: FreqConfig, n_cont: int):
        super().__init__()
        self.region_emb = nn.Embedding(N_REGIONS, cfg.region_dim)
        self.veh_emb = nn.Embedding(N_VEH_GROUPS, cfg.veh_dim)
        self.mlp = nn.Sequential(
            nn.Linear(cfg.region_dim + cfg.veh_dim + n_cont, cfg.hidden),
            nn.Tanh(),
            nn.Linear(cfg.hidden, 1),
        )

    def forward(self, batch):
        feats = torch.cat(
            [self.region_emb(batch["region"]), self.veh_emb(batch["veh"]), batch["cont"]],
            dim=-1,
        )
        return self.mlp(feats).squeeze(-1) + batch["log_expo"]


def poisson_deviance(log_mu, y):
    mu = log_mu.exp()
    term = torch.where(y > 0, y * torch.log(y / mu), torch.zeros_like(y))
    return 2.0 * (term - (y - mu)).mean()


if __name__ == "__main__":
    cfg = FreqConfig()
    rng = np.random.default_rng(cfg.seed)
    torch.manual_seed(cfg.seed)

    portfolio = simulate_portfolio(4000, rng)
    print("claim frequency:", portfolio["claim_count"].sum() / portfolio["exposure"].sum())

    is_train = rng.random(len(portfolio)) < 0.8
    train_ds = PolicyDataset(portfolio[is_train])
    test_ds = PolicyDataset(portfolio[~is_train])
    train_dl = DataLoader(train_ds, batch_size=cfg.batch_size, shuffle=True)
    test_dl = DataLoader(test_ds, batch_size=512)

    model = FrequencyNet(cfg, n_cont=train_ds.cont.shape[1])
    optim = torch.optim.Adam(model.parameters(), lr=cfg.lr)
    loss_fn = nn.PoissonNLLLoss(log_input=True, full=False)

    for epoch in range(cfg.epochs):
        model.train()
        tot = 0.0
        for batch in train_dl:
            log_mu = model(batch)
            loss = loss_fn(log_mu, batch["n_claims"])
            optim.zero_grad()
            loss.backward()
            optim.step()
            tot += loss.item() * len(batch["n_claims"])

        model.eval()
        with torch.no_grad():
            dev = [poisson_deviance(model(b), b["n_claims"]).item() for b in test_dl]
        print(f"epoch {epoch + 1}: train nll {tot / len(train_ds):.4f}  test deviance {np.mean(dev):.4f}")
