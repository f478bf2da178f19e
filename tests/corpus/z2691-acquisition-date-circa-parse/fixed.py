# display-vs-store model: which objects in the textiles collection end up on display?
# reads the collections-management export (csv), makes features, trains a small MLP
import csv
import os
import random
import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import Dataset, DataLoader

random.seed(5)
np.random.seed(5)
torch.manual_seed(5)

here = os.path.dirname(os.path.abspath(__file__))
EXPORT = os.path.join(here, "textiles_export.csv")

COLUMNS = ["object_number", "object_name", "acq_date", "acq_method", "length_cm", "width_cm",
           "condition_score", "loans_count", "on_display"]
METHODS = ["purchase", "gift", "bequest", "transfer", "field collection"]


def write_fake_export(n=300):
    rows = []
    for i in range(n):
        yr = random.randint(1852, 2019)
        r = random.random()
        if r < 0.5:
            acq = str(yr)
        elif r < 0.9:
            acq = "%d-%02d-%02d" % (yr, random.randint(1, 12), random.randint(1, 28))
        else:
            acq = "c. %d" % (yr - yr % 10)
        rows.append({
            "object_number": "T.%d-%d" % (i + 1, yr),
            "object_name": random.choice(["sampler", "shawl", "quilt", "tapestry", "lace collar", "kimono"]),
            "acq_date": acq,
            "acq_method": random.choice(METHODS),
            "length_cm": "%.1f" % random.uniform(10, 400),
            "width_cm": "%.1f" % random.uniform(5, 300),
            "condition_score": str(random.randint(1, 4)),
            "loans_count": str(random.randint(0, 6)),
            "on_display": random.choice(["Y", "N", "N"]),
        })
    with open(EXPORT, "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=COLUMNS)
        w.writeheader()
        w.writerows(rows)
    print("wrote", len(rows), "rows to", EXPORT)


class TextileRows(Dataset):
    def __init__(self, X, y):
        self.X = torch.tensor(X, dtype=torch.float32)
        self.y = torch.tensor(y, dtype=torch.float32)

    def __len__(self):
        return len(self.y)

    def __getitem__(self, i):
        return self.X[i], self.y[i]


def main():
    write_fake_export()
    with open(EXPORT, newline="") as f:
        raw = list(csv.DictReader(f))
    print("read", len(raw), "rows")
    print(raw[0])
    print(raw[1])

    method_idx = {m: k for k, m in enumerate(METHODS)}
    feats = []
    labels = []
    for row in raw:
        acq_year = int(row["acq_date"].replace("c. ", "")[:4])
        length = float(row["length_cm"])
        width = float(row["width_cm"])
        one_hot = [0.0] * len(METHODS)
        one_hot[method_idx[row["acq_method"]]] = 1.0
        feats.append([acq_year, length, width, length * width / 100.0,
                      float(row["condition_score"]), float(row["loans_count"])] + one_hot)
        labels.append(1.0 if row["on_display"] == "Y" else 0.0)
    feats = np.array(feats, dtype=np.float32)
    labels = np.array(labels, dtype=np.float32)
    print("feature matrix", feats.shape, "positives", labels.sum())

    # normalise numeric cols only (first 6)
    mean_ = feats[:, :6].mean(0)
    std_ = feats[:, :6].std(0) + 1e-6
    feats[:, :6] = (feats[:, :6] - mean_) / std_

    idx = np.random.permutation(len(labels))
    cut = int(0.8 * len(labels))
    tr_i, te_i = idx[:cut], idx[cut:]
    train_ds = TextileRows(feats[tr_i], labels[tr_i])
    test_ds = TextileRows(feats[te_i], labels[te_i])
    dl = DataLoader(train_ds, batch_size=32, shuffle=True)
    dl_test = DataLoader(test_ds, batch_size=64)

    net = nn.Sequential(nn.Linear(feats.shape[1], 32), nn.ReLU(), nn.Linear(32, 1))
    opt = torch.optim.SGD(net.parameters(), lr=0.05, momentum=0.9)
    crit = nn.BCEWithLogitsLoss()

    for ep in range(5):
        net.train()
        run = 0.0
        for xb, yb in dl:
            logit = net(xb).squeeze(1)
            loss = crit(logit, yb)
            opt.zero_grad()
            loss.backward()
            opt.step()
            run += loss.item() * len(yb)
        print("ep", ep, "loss", run / len(train_ds))

    net.eval()
    correct = 0
    with torch.no_grad():
        for xb, yb in dl_test:
            pred = (torch.sigmoid(net(xb).squeeze(1)) > 0.5).float()
            correct += (pred == yb).sum().item()
    print("test acc", correct / len(test_ds))


if __name__ == "__main__":
    main()
