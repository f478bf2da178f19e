import numpy as np
import torch
import torch.nn as nn
from transformers import BertConfig, BertModel

hp = {
    "seed": 314,
    "n_admissions": 90,
    "mean_los": 5.0,
    "labs": ["creatinine", "lactate", "wbc", "sodium", "hemoglobin"],
    "lab_means": [1.1, 1.8, 9.5, 138.0, 11.5],
    "lab_sds": [0.5, 1.0, 3.5, 4.0, 1.8],
    "hidden_size": 32,
    "n_layers": 1,
    "n_heads": 2,
    "ffn": 64,
    "batch_size": 10,
    "lr": 1e-3,
    "epochs": 2,
}


def simulate_admissions(hp):
    rng = np.random.default_rng(hp["seed"])
    n_labs = len(hp["labs"])
    admit_day = rng.integers(0, 365, size=hp["n_admissions"])
    los = rng.poisson(hp["mean_los"], size=hp["n_admissions"]) + 1
    discharge_day = admit_day + los
    icd_sepsis = (rng.random(hp["n_admissions"]) < 0.3).astype(np.int64)
    events = []
    for i in range(hp["n_admissions"]):
        for day in range(int(admit_day[i]), int(discharge_day[i]) + 1):
            n_draws = int(rng.integers(1, 4))
            lab_idx = rng.choice(n_labs, size=n_draws, replace=False)
            for l in lab_idx:
                shift = 1.5 * icd_sepsis[i] if hp["labs"][l] in ("lactate", "wbc") else 0.0
                value = rng.normal(hp["lab_means"][l] + shift * hp["lab_sds"][l], hp["lab_sds"][l])
                events.append((i, day, int(l), float(value)))
    died = np.zeros(hp["n_admissions"], dtype=np.float32)
    for i in range(hp["n_admissions"]):
        p = 0.08 + 0.25 * icd_sepsis[i] + 0.01 * los[i]
        died[i] = float(rng.random() < p)
    return admit_day, discharge_day, events, died


def build_daily_tensor(admit_day, discharge_day, events, hp):
    n_adm = len(admit_day)
    n_labs = len(hp["labs"])
    los_days = discharge_day - admit_day
    hp["max_los"] = int(los_days.max()) + 1
    values = np.array([e[3] for e in events])
    lab_ids = np.array([e[2] for e in events])
    lab_mu = np.zeros(n_labs)
    lab_sd = np.ones(n_labs)
    for l in range(n_labs):
        sel = lab_ids == l
        lab_mu[l] = values[sel].mean()
        lab_sd[l] = values[sel].std() + 1e-6
    daily = torch.zeros((n_adm, hp["max_los"], n_labs), dtype=torch.float32)
    observed = torch.zeros((n_adm, hp["max_los"]), dtype=torch.long)
    for (adm, day, lab, val) in events:
        d = day - int(admit_day[adm])
        z = (val - lab_mu[lab]) / lab_sd[lab]
        daily[adm, d, lab] = float(z)
        observed[adm, d] = 1
    print("admissions:", n_adm, "max stay (days):", hp["max_los"], "events:", len(events))
    return daily, observed


class StayEncoder(nn.Module):
    def __init__(self, hp):
        super().__init__()
        cfg = BertConfig(
            vocab_size=8,
            hidden_size=hp["hidden_size"],
            num_hidden_layers=hp["n_layers"],
            num_attention_heads=hp["n_heads"],
            intermediate_size=hp["ffn"],
            max_position_embeddings=64,
        )
        self.project = nn.Linear(len(hp["labs"]), hp["hidden_size"])
        self.bert = BertModel(cfg, add_pooling_layer=False)
        self.out = nn.Linear(hp["hidden_size"], 1)

    def forward(self, daily, observed):
        x = self.project(daily)
        h = self.bert(inputs_embeds=x, attention_mask=observed).last_hidden_state
        w = observed.unsqueeze(-1).float()
        pooled = (h * w).sum(1) / w.sum(1).clamp(min=1.0)
        return self.out(pooled).squeeze(-1)


def fit(daily, observed, died, hp):
    torch.manual_seed(hp["seed"])
    model = StayEncoder(hp)
    opt = torch.optim.Adam(model.parameters(), lr=hp["lr"])
    crit = nn.BCEWithLogitsLoss()
    y = torch.from_numpy(died)
    n = daily.shape[0]
    for epoch in range(hp["epochs"]):
        perm = torch.randperm(n)
        total = 0.0
        for s in range(0, n, hp["batch_size"]):
            idx = perm[s:s + hp["batch_size"]]
            logit = model(daily[idx], observed[idx])
            loss = crit(logit, y[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item() * len(idx)
        print("epoch", epoch, "loss", round(total / n, 4))
    return model


def main(hp):
    admit_day, discharge_day, events, died = simulate_admissions(hp)
    print("in-hospital mortality:", round(float(died.mean()), 3))
    daily, observed = build_daily_tensor(admit_day, discharge_day, events, hp)
    fit(daily, observed, died, hp)


if __name__ == "__main__":
    main(hp)
