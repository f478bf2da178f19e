import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import Dataset, DataLoader

CFG = {
    "n_stores": 6,
    "n_items": 30,
    "n_depts": 5,
    "n_days": 98,
    "lookback": 28,
    "horizon": 7,
    "window_stride": 7,
    "demand_bins": [1, 8, 25, 60],
    "emb_dim": 8,
    "gru_hidden": 32,
    "batch_size": 64,
    "lr": 2e-3,
    "epochs": 2,
    "seed": 11,
}
CFG["n_classes"] = len(CFG["demand_bins"])


def make_panel(cfg):
    rng = np.random.default_rng(cfg["seed"])
    days = np.arange(cfg["n_days"])
    item_dept = rng.integers(0, cfg["n_depts"], size=cfg["n_items"])
    panel = {}
    for s in range(cfg["n_stores"]):
        traffic = rng.uniform(0.5, 2.0)
        for i in range(cfg["n_items"]):
            base_rate = rng.lognormal(mean=0.0, sigma=1.0) * traffic
            price = 4.99 * np.ones(cfg["n_days"])
            on_promo = (rng.random(cfg["n_days"]) < 0.08).astype(np.float32)
            price = price * np.where(on_promo > 0, 0.75, 1.0)
            dow = 1.0 + 0.25 * np.cos(2 * np.pi * days / 7)
            lam = base_rate * dow * np.where(on_promo > 0, 2.2, 1.0)
            units = rng.poisson(lam).astype(np.float32)
            panel[(s, i)] = {
                "dept": int(item_dept[i]),
                "units": units,
                "price_ratio": (price / 4.99).astype(np.float32),
                "on_promo": on_promo,
            }
    return panel


class SalesWindowDataset(Dataset):
    def __init__(self, panel, cfg, start_day, end_day):
        self.panel = panel
        self.lookback = cfg["lookback"]
        self.horizon = cfg["horizon"]
        self.bins = np.asarray(cfg["demand_bins"])
        self.index = []
        for key in panel:
            for t in range(start_day + self.lookback, end_day - self.horizon + 1, cfg["window_stride"]):
                self.index.append((key, t))

    def __len__(self):
        return len(self.index)

    def __getitem__(self, idx):
        (store, item), t = self.index[idx]
        rec = self.panel[(store, item)]
        sl = slice(t - self.lookback, t)
        seq = np.stack([
            np.log1p(rec["units"][sl]),
            rec["price_ratio"][sl],
            rec["on_promo"][sl],
        ], axis=-1)
        next_week = rec["units"][t:t + self.horizon].sum()
        bucket = int(np.digitize(next_week, self.bins))
        return {
            "seq": torch.from_numpy(seq),
            "store": torch.tensor(store),
            "item": torch.tensor(item),
            "dept": torch.tensor(rec["dept"]),
            "promo_next": torch.tensor(rec["on_promo"][t:t + self.horizon].max()),
            "bucket": torch.tensor(bucket),
        }


class DemandBucketNet(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        d = cfg["emb_dim"]
        self.store_emb = nn.Embedding(cfg["n_stores"], d)
        self.item_emb = nn.Embedding(cfg["n_items"], d)
        self.dept_emb = nn.Embedding(cfg["n_depts"], d)
        self.gru = nn.GRU(3, cfg["gru_hidden"], batch_first=True)
        in_dim = cfg["gru_hidden"] + 3 * d + 1
        self.classifier = nn.Sequential(
            nn.Linear(in_dim, 64),
            nn.ReLU(),
            nn.Dropout(0.1),
            nn.Linear(64, cfg["n_classes"]),
        )

    def forward(self, seq, store, item, dept, promo_next):
        _, h = self.gru(seq)
        ctx = torch.cat([
            h[-1],
            self.store_emb(store),
            self.item_emb(item),
            self.dept_emb(dept),
            promo_next.unsqueeze(-1),
        ], dim=-1)
        return self.classifier(ctx)


def run_epoch(model, loader, opt=None):
    training = opt is not None
    model.train(training)
    total_loss, correct, seen = 0.0, 0, 0
    with torch.set_grad_enabled(training):
        for batch in loader:
            logits = model(batch["seq"], batch["store"], batch["item"], batch["dept"], batch["promo_next"])
            loss = F.cross_entropy(logits, batch["bucket"])
            if training:
                opt.zero_grad()
                loss.backward()
                nn.utils.clip_grad_norm_(model.parameters(), 1.0)
                opt.step()
            total_loss += loss.item() * len(logits)
            correct += (logits.argmax(-1) == batch["bucket"]).sum().item()
            seen += len(logits)
    return total_loss / seen, correct / seen


def main():
    torch.manual_seed(CFG["seed"])
    panel = make_panel(CFG)
    split_day = CFG["n_days"] - 28
    train_ds = SalesWindowDataset(panel, CFG, 0, split_day)
    valid_ds = SalesWindowDataset(panel, CFG, split_day - CFG["lookback"], CFG["n_days"])
    print(f"train windows={len(train_ds)} valid windows={len(valid_ds)}")

    train_dl = DataLoader(train_ds, batch_size=CFG["batch_size"], shuffle=True)
    valid_dl = DataLoader(valid_ds, batch_size=CFG["batch_size"])

    model = DemandBucketNet(CFG)
    opt = torch.optim.Adam(model.parameters(), lr=CFG["lr"])
    for epoch in range(CFG["epochs"]):
        tr_loss, tr_acc = run_epoch(model, train_dl, opt)
        va_loss, va_acc = run_epoch(model, valid_dl)
        print(f"epoch {epoch}: train loss {tr_loss:.3f} acc {tr_acc:.3f} | valid loss {va_loss:.3f} acc {va_acc:.3f}")


if __name__ == "__main__":
    main()
