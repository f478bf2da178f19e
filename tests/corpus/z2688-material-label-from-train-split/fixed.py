# material classifier for the decorative arts catalogue export
# predicts the primary material of an object from its measurement / condition fields
import random
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import Dataset, DataLoader

random.seed(11)
np.random.seed(11)
torch.manual_seed(11)

MATERIALS_ALL = ["ceramic", "bronze", "silver", "glass", "oak", "walnut", "ivory", "porcelain", "pewter"]
DEPARTMENTS = ["DA", "MET", "FUR", "GL"]


def fake_record(i, rare=False):
    if rare:
        mat = random.choice(MATERIALS_ALL)
    else:
        mat = random.choice(MATERIALS_ALL[:6])
    return {
        "accession": "DA.%d.%03d" % (1900 + (i % 120), i),
        "department": random.choice(DEPARTMENTS),
        "material": mat,
        "height_cm": round(random.uniform(2, 120), 1),
        "width_cm": round(random.uniform(2, 90), 1),
        "weight_kg": round(random.uniform(0.05, 40), 2),
        "condition": random.randint(1, 5),
        "year_acquired": random.randint(1850, 2015),
    }


class ObjectTable(Dataset):
    def __init__(self, recs, mat_to_idx, dept_to_idx, stats=None):
        self.recs = recs
        self.mat_to_idx = mat_to_idx
        self.dept_to_idx = dept_to_idx
        feats = []
        for r in recs:
            feats.append([r["height_cm"], r["width_cm"], r["weight_kg"], r["condition"], r["year_acquired"]])
        feats = np.array(feats, dtype=np.float32)
        if stats is None:
            stats = (feats.mean(0), feats.std(0) + 1e-6)
        self.stats = stats
        self.feats = (feats - stats[0]) / stats[1]

    def __len__(self):
        return len(self.recs)

    def __getitem__(self, i):
        r = self.recs[i]
        m = r["material"]
        if m not in self.mat_to_idx:
            self.mat_to_idx[m] = len(self.mat_to_idx)
        return {
            "num": torch.tensor(self.feats[i]),
            "dept": torch.tensor(self.dept_to_idx[r["department"]]),
            "y": torch.tensor(self.mat_to_idx[m]),
        }


class MatNet(nn.Module):
    def __init__(self, n_num, n_dept, n_cls, hid=48):
        super().__init__()
        self.dept_emb = nn.Embedding(n_dept, 8)
        self.mlp = nn.Sequential(
            nn.Linear(n_num + 8, hid),
            nn.ReLU(),
            nn.Dropout(0.1),
            nn.Linear(hid, hid),
            nn.ReLU(),
        )
        self.out = nn.Linear(hid, n_cls)

    def forward(self, num, dept):
        h = torch.cat([num, self.dept_emb(dept)], dim=-1)
        return self.out(self.mlp(h))


def main():
    print("building fake catalogue export...")
    train_recs = [fake_record(i) for i in range(240)]
    val_recs = [fake_record(1000 + i, rare=True) for i in range(80)]
    print("train", len(train_recs), "val", len(val_recs))
    print(train_recs[0])

    mat2idx = {}
    for r in train_recs + val_recs:
        if r["material"] not in mat2idx:
            mat2idx[r["material"]] = len(mat2idx)
    dept2idx = {d: i for i, d in enumerate(DEPARTMENTS)}
    NUM_CLASSES = len(mat2idx)
    print("materials:", mat2idx)
    print("NUM_CLASSES", NUM_CLASSES)

    train_ds = ObjectTable(train_recs, mat2idx, dept2idx)
    val_ds = ObjectTable(val_recs, mat2idx, dept2idx, stats=train_ds.stats)
    train_dl = DataLoader(train_ds, batch_size=32, shuffle=True)
    val_dl = DataLoader(val_ds, batch_size=32, shuffle=False)

    model = MatNet(n_num=5, n_dept=len(dept2idx), n_cls=NUM_CLASSES)
    opt = torch.optim.Adam(model.parameters(), lr=3e-3)

    for epoch in range(3):
        model.train()
        tot = 0.0
        nb = 0
        for batch in train_dl:
            logits = model(batch["num"], batch["dept"])
            loss = F.cross_entropy(logits, batch["y"])
            opt.zero_grad()
            loss.backward()
            opt.step()
            tot += loss.item()
            nb += 1
        print("epoch", epoch, "train loss", round(tot / nb, 4))

        # validation
        model.eval()
        vloss = 0.0
        vcorrect = 0
        vn = 0
        with torch.no_grad():
            for vb in val_dl:
                out = model(vb["num"], vb["dept"])
                l = F.cross_entropy(out, vb["y"])
                vloss += l.item() * vb["y"].shape[0]
                vcorrect += (out.argmax(-1) == vb["y"]).sum().item()
                vn += vb["y"].shape[0]
        print("epoch", epoch, "val loss", round(vloss / vn, 4), "val acc", round(vcorrect / vn, 3))

    print("final material map:", mat2idx)
    torch.save(model.state_dict(), "matnet.pt")
    print("saved")


if __name__ == "__main__":
    main()
