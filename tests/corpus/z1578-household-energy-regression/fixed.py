import os
import tempfile

import numpy as np
import torch
import torch.nn as nn
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import LabelEncoder, StandardScaler

rng = np.random.default_rng(42)
torch.manual_seed(42)

HEADER = "outdoor_temp,floor_area,occupants,appliance_count,insulation,kwh"
INSULATION = np.array(["poor", "average", "good"])


def write_meter_log(path, n_homes=60):
    temp = rng.normal(12, 7, n_homes)
    area = rng.uniform(40, 220, n_homes)
    occ = rng.integers(1, 6, n_homes)
    appl = rng.integers(3, 25, n_homes)
    ins = rng.choice(INSULATION, n_homes)
    ins_penalty = np.select([ins == "poor", ins == "average"], [1.4, 1.1], 1.0)
    kwh = (0.09 * area * ins_penalty + 2.5 * occ + 0.6 * appl
           - 0.35 * temp + rng.normal(0, 1.5, n_homes))
    with open(path, "w") as fh:
        fh.write(HEADER + "\n")
        for row in zip(temp, area, occ, appl, ins, kwh):
            fh.write("{:.2f},{:.1f},{},{},{},{:.3f}\n".format(*row))


def load_meter_log(path):
    numeric = np.genfromtxt(path, delimiter=",", skip_header=1, usecols=(0, 1, 2, 3, 5))
    insulation = np.genfromtxt(path, delimiter=",", skip_header=1, usecols=(4,), dtype=str)
    return numeric[:, :4], insulation, numeric[:, 4]


def assemble_features(numeric, insulation, encoder):
    ins_code = encoder.transform(insulation)
    one_hot = np.eye(len(encoder.classes_))[ins_code]
    return np.hstack([numeric, one_hot])


def as_batch(features, target):
    x = torch.from_numpy(features.astype(np.float32))
    y = torch.from_numpy(target.astype(np.float32)).unsqueeze(1)
    return x, y


class EnergyRegressor(nn.Module):
    def __init__(self, n_in, hidden=48):
        super().__init__()
        self.body = nn.Sequential(
            nn.Linear(n_in, hidden), nn.ReLU(),
            nn.Linear(hidden, hidden // 2), nn.ReLU(),
            nn.Linear(hidden // 2, 1),
        )

    def forward(self, x):
        return self.body(x)


def fit(model, x, y, epochs=2, batch=32):
    opt = torch.optim.Adam(model.parameters(), lr=3e-3)
    lossf = nn.MSELoss()
    for epoch in range(epochs):
        perm = torch.randperm(len(x))
        for s in range(0, len(x), batch):
            idx = perm[s:s + batch]
            opt.zero_grad()
            loss = lossf(model(x[idx]), y[idx])
            loss.backward()
            opt.step()
        if epoch % 20 == 0:
            print(f"epoch {epoch:3d} mse {loss.item():.3f}")


def evaluate(model, features, target, y_scaler):
    model.eval()
    with torch.no_grad():
        pred_scaled = model(torch.from_numpy(features.astype(np.float32))).numpy()
    pred = y_scaler.inverse_transform(pred_scaled).ravel()
    mae = np.abs(pred - target).mean()
    return mae


def main():
    work = tempfile.mkdtemp(prefix="energy_")
    log_path = os.path.join(work, "meters.csv")
    write_meter_log(log_path)
    numeric, insulation, kwh = load_meter_log(log_path)

    ins_enc = LabelEncoder().fit(insulation)
    feats = assemble_features(numeric, insulation, ins_enc)
    f_tr, f_te, k_tr, k_te = train_test_split(feats, kwh, test_size=0.2, random_state=7)

    x_scaler = StandardScaler().fit(f_tr)
    y_scaler = StandardScaler().fit(k_tr.reshape(-1, 1))
    f_tr_s = x_scaler.transform(f_tr)
    f_te_s = x_scaler.transform(f_te)
    k_tr_s = y_scaler.transform(k_tr.reshape(-1, 1)).ravel()

    x_tr, y_tr = as_batch(f_tr_s, k_tr_s)
    print("train tensor:", tuple(x_tr.shape), "features:", f_tr_s.shape[1])

    model = EnergyRegressor(n_in=f_tr_s.shape[1])
    fit(model, x_tr, y_tr)

    mae = evaluate(model, f_te_s, k_te, y_scaler)
    print(f"test MAE: {mae:.2f} kWh")
    print("insulation classes:", ins_enc.classes_.tolist())


if __name__ == "__main__":
    main()
