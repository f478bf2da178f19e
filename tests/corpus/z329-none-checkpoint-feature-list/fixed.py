"""Wind-farm SCADA: predict gearbox failure within 30 days, then score the current fleet snapshot."""
import os
import tempfile

import numpy as np
import torch
import torch.nn as nn

SEED = 5
N_HOURS = 3000
N_TURBINES = 256

BASE_SIGNALS = ["wind_speed", "rotor_rpm", "gen_rpm", "active_power", "pitch_angle", "nacelle_temp",
                "ambient_temp", "gbx_oil_temp", "gbx_bearing_temp", "gen_bearing_temp",
                "oil_pressure", "yaw_error"]
VIBRATION = ["vib_rms_main", "vib_kurtosis_main", "vib_rms_hss"]

EXPERIMENTS = {
    "gbx_temp_v3": {"features": BASE_SIGNALS, "hidden": 48, "epochs": 3, "lr": 3e-3},
    "gbx_vib_v4": {"features": BASE_SIGNALS + VIBRATION, "hidden": 48, "epochs": 3, "lr": 3e-3},
}
BASELINE = "gbx_temp_v3"
ACTIVE_EXPERIMENT = "gbx_vib_v4"
OUT_DIR = tempfile.mkdtemp(prefix="scada_")


def scada_table(n, rng):
    cols = {name: rng.normal(0, 1, n).astype(np.float32) for name in BASE_SIGNALS + VIBRATION}
    risk = 1.2 * cols["gbx_bearing_temp"] + 0.8 * cols["gbx_oil_temp"] - 0.6 * cols["oil_pressure"]
    risk += 0.9 * cols["vib_kurtosis_main"] + rng.normal(0, 0.5, n)
    cols["fails_30d"] = (risk > 1.5).astype(np.float32)
    return cols


def to_matrix(table, features):
    return torch.from_numpy(np.stack([table[f] for f in features], axis=1))


class FailureRiskNet(nn.Module):
    def __init__(self, n_in, hidden):
        super().__init__()
        self.body = nn.Sequential(nn.Linear(n_in, hidden), nn.ReLU(), nn.Linear(hidden, hidden // 2), nn.ReLU())
        self.logit = nn.Linear(hidden // 2, 1)

    def forward(self, x):
        return self.logit(self.body(x)).squeeze(-1)


def train_experiment(name, table):
    spec = EXPERIMENTS[name]
    x = to_matrix(table, spec["features"])
    y = torch.from_numpy(table["fails_30d"])
    model = FailureRiskNet(x.shape[1], spec["hidden"])
    pos_weight = (1 - y.mean()) / y.mean()
    loss_fn = nn.BCEWithLogitsLoss(pos_weight=pos_weight)
    opt = torch.optim.Adam(model.parameters(), lr=spec["lr"])
    for epoch in range(spec["epochs"]):
        perm = torch.randperm(len(x))
        for idx in perm.split(128):
            opt.zero_grad()
            loss = loss_fn(model(x[idx]), y[idx])
            loss.backward()
            opt.step()
    path = os.path.join(OUT_DIR, f"{name}.pt")
    torch.save({"state_dict": model.state_dict(), "n_in": x.shape[1], "hidden": spec["hidden"]}, path)
    print(f"[{name}] trained on {x.shape[1]} signals, last loss {loss.item():.3f} -> {path}")
    return path


def load_model(path):
    ckpt = torch.load(path)
    model = FailureRiskNet(ckpt["n_in"], ckpt["hidden"])
    model.load_state_dict(ckpt["state_dict"])
    return model.eval()


def score_fleet(model, snapshot, experiment, top_k=10):
    feats = to_matrix(snapshot, EXPERIMENTS[experiment]["features"])
    with torch.no_grad():
        risk = torch.sigmoid(model(feats))
    order = torch.argsort(risk, descending=True)[:top_k]
    return [(int(i), float(risk[i])) for i in order]


def main():
    rng = np.random.default_rng(SEED)
    torch.manual_seed(SEED)
    history = scada_table(N_HOURS, rng)
    ckpt_path = train_experiment(BASELINE, history)

    fleet_now = scada_table(N_TURBINES, rng)
    model = load_model(ckpt_path)
    worklist = score_fleet(model, fleet_now, BASELINE)
    print("inspect first:")
    for turbine, p in worklist:
        print(f"  WTG-{turbine:03d}  p(fail<30d)={p:.2f}")


if __name__ == "__main__":
    main()
