# estimate production year of furniture/decorative objects from dimensions + material
# (date estimation experiment for the cataloguing backlog)
import os
import csv
import random
import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import TensorDataset, DataLoader

folder = os.path.dirname(os.path.abspath(__file__))
MATERIALS = ["oak", "walnut", "mahogany", "pine", "rosewood", "gilt bronze"]


def make_fake_csv(path, n, seed):
    rng = random.Random(seed)
    with open(path, "w", newline="") as f:
        wr = csv.writer(f)
        wr.writerow(["inventory_number", "object_name", "material", "dimensions", "date_made"])
        for i in range(n):
            mat = rng.choice(MATERIALS)
            year = rng.randint(1650, 1920) + (40 if mat == "mahogany" else 0)
            h = round(rng.uniform(20, 220), 1)
            w = round(rng.uniform(15, 180), 1)
            r = rng.random()
            if r < 0.8:
                date_str = str(year)
            elif r < 0.93:
                date_str = "%d-%d" % (year, year + rng.choice([5, 10, 20]))
            else:
                date_str = "c. %d" % year
            wr.writerow(["F.%04d" % i, rng.choice(["chair", "cabinet", "table", "clock case", "mirror frame"]),
                         mat, "%s x %s cm" % (h, w), date_str])


def main():
    torch.manual_seed(0)
    np.random.seed(0)

    train_csv = os.path.join(folder, "furniture_train.csv")
    val_csv = os.path.join(folder, "furniture_val.csv")
    make_fake_csv(train_csv, 300, 1)
    make_fake_csv(val_csv, 60, 2)
    print("wrote", train_csv, val_csv)

    mat_index = {m: i for i, m in enumerate(MATERIALS)}

    # ---- load train ----
    X_tr = []
    y_tr = []
    with open(train_csv, newline="") as f:
        for row in csv.DictReader(f):
            dims = row["dimensions"].replace("cm", "").split("x")
            height = float(dims[0])
            width = float(dims[1])
            onehot = [0.0] * len(MATERIALS)
            onehot[mat_index[row["material"]]] = 1.0
            year = int(row["date_made"].split("-")[0])
            X_tr.append([height, width] + onehot)
            y_tr.append(year)
    print("train rows", len(X_tr))

    # ---- load val ---- (same as above)
    X_va = []
    y_va = []
    with open(val_csv, newline="") as f:
        for row in csv.DictReader(f):
            dims = row["dimensions"].replace("cm", "").split("x")
            height = float(dims[0])
            width = float(dims[1])
            onehot = [0.0] * len(MATERIALS)
            onehot[mat_index[row["material"]]] = 1.0
            year = int(row["date_made"].split("-")[0])
            X_va.append([height, width] + onehot)
            y_va.append(year)
    print("val rows", len(X_va))

    X_tr = np.array(X_tr, dtype=np.float32)
    X_va = np.array(X_va, dtype=np.float32)
    y_tr = np.array(y_tr, dtype=np.float32)
    y_va = np.array(y_va, dtype=np.float32)

    # normalise dims with train stats
    mu = X_tr[:, :2].mean(axis=0)
    sd = X_tr[:, :2].std(axis=0)
    X_tr[:, :2] = (X_tr[:, :2] - mu) / sd
    X_va[:, :2] = (X_va[:, :2] - mu) / sd
    y_mean, y_std = y_tr.mean(), y_tr.std()
    print("year mean/std", y_mean, y_std)

    train_ds = TensorDataset(torch.from_numpy(X_tr), torch.from_numpy((y_tr - y_mean) / y_std))
    val_ds = TensorDataset(torch.from_numpy(X_va), torch.from_numpy((y_va - y_mean) / y_std))
    tl = DataLoader(train_ds, batch_size=32, shuffle=True)
    vl = DataLoader(val_ds, batch_size=32)

    model = nn.Sequential(nn.Linear(X_tr.shape[1], 32), nn.ReLU(), nn.Linear(32, 16), nn.ReLU(), nn.Linear(16, 1))
    opt = torch.optim.Adam(model.parameters(), lr=1e-2)
    loss_fn = nn.MSELoss()

    for epoch in range(20):
        model.train()
        ep_loss = []
        for xb, yb in tl:
            pred = model(xb).squeeze(-1)
            loss = loss_fn(pred, yb)
            opt.zero_grad()
            loss.backward()
            opt.step()
            ep_loss.append(loss.item())
        if epoch % 5 == 0:
            model.eval()
            with torch.no_grad():
                errs = []
                for xb, yb in vl:
                    p = model(xb).squeeze(-1)
                    errs.append(((p - yb) * y_std).abs())
                mae_years = torch.cat(errs).mean().item()
            print(f"epoch {epoch} train mse {np.mean(ep_loss):.3f} val MAE {mae_years:.1f} years")

    with torch.no_grad():
        sample = torch.from_numpy(X_va[:5])
        est = model(sample).squeeze(-1) * y_std + y_mean
        for k in range(5):
            print("true", int(y_va[k]), "estimated", round(est[k].item()))


if __name__ == "__main__":
    main()
