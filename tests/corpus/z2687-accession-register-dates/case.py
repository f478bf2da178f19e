import csv
import os
import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import Dataset, DataLoader

HERE = os.path.dirname(os.path.abspath(__file__))
REGISTER = os.path.join(HERE, "accession_register.csv")

MEDIA = ["oil on canvas", "watercolour", "bronze", "porcelain", "albumen print", "woodblock"]
DEPTS = ["fine_art", "decorative_arts", "photography", "asian_art"]


def write_fake_register(path, n, seed=0):
    r = np.random.RandomState(seed)
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["accession_no", "medium", "date_made", "height_cm", "width_cm", "department"])
        for i in range(n):
            year = int(r.randint(1600, 1950))
            style = r.rand()
            if style < 0.6:
                date_str = str(year)
            elif style < 0.85:
                date_str = "%d-%d" % (year, year + int(r.randint(1, 15)))
            else:
                date_str = "c. %d" % year
            med = MEDIA[r.randint(len(MEDIA))]
            h = round(float(r.uniform(5, 180)), 1)
            wd = round(float(r.uniform(5, 200)), 1)
            dept = DEPTS[r.randint(len(DEPTS))]
            w.writerow(["%d.%03d" % (1900 + i // 50, i % 50), med, date_str, h, wd, dept])


def parse_year(s):
    s = s.strip()
    if s.startswith("ca."):
        s = s[3:].strip()
    if "-" in s:
        a, b = s.split("-")
        return (int(a) + int(b)) / 2.0
    return float(int(s))


class RegisterRows(Dataset):
    def __init__(self, rows):
        self.rows = rows

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, i):
        row = self.rows[i]
        yr = parse_year(row["date_made"])
        med_vec = [1.0 if row["medium"] == m else 0.0 for m in MEDIA]
        feats = [(yr - 1775.0) / 100.0,
                 float(row["height_cm"]) / 100.0,
                 float(row["width_cm"]) / 100.0] + med_vec
        return {"x": torch.tensor(feats, dtype=torch.float32),
                "y": torch.tensor(DEPTS.index(row["department"]))}


def main():
    torch.manual_seed(0)
    write_fake_register(REGISTER, 200, seed=5)
    print("wrote register", REGISTER)

    rows = []
    with open(REGISTER, newline="") as fh:
        reader = csv.DictReader(fh)
        for row in reader:
            rows.append(row)
    print("rows read:", len(rows))
    print("first row:", rows[0])
    print("some dates:", [r["date_made"] for r in rows[:8]])

    n_train = int(len(rows) * 0.75)
    train_rows = rows[:n_train]
    valid_rows = rows[n_train:]
    print("train", len(train_rows), "valid", len(valid_rows))

    train_set = RegisterRows(train_rows)
    valid_set = RegisterRows(valid_rows)
    print("sample 0:", train_set[0])

    train_loader = DataLoader(train_set, batch_size=16, shuffle=True)
    valid_loader = DataLoader(valid_set, batch_size=16)

    in_dim = 3 + len(MEDIA)
    net = nn.Sequential(nn.Linear(in_dim, 32), nn.ReLU(), nn.Linear(32, 32), nn.ReLU(),
                        nn.Linear(32, len(DEPTS)))
    opt = torch.optim.SGD(net.parameters(), lr=0.05, momentum=0.9)
    loss_fn = nn.CrossEntropyLoss()

    history = []
    for epoch in range(5):
        net.train()
        total = 0.0
        nb = 0
        for batch in train_loader:
            out = net(batch["x"])
            l = loss_fn(out, batch["y"])
            opt.zero_grad()
            l.backward()
            opt.step()
            total += l.item()
            nb += 1
        print("epoch", epoch, "train loss", total / nb)

        net.eval()
        corr = 0
        cnt = 0
        with torch.no_grad():
            for vb in valid_loader:
                pr = net(vb["x"]).argmax(dim=1)
                corr += (pr == vb["y"]).sum().item()
                cnt += vb["y"].shape[0]
        acc = corr / cnt
        print("epoch", epoch, "valid acc", acc)
        history.append(acc)

    print("best valid acc", max(history))
    os.remove(REGISTER)


if __name__ == "__main__":
    main()
