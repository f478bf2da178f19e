"""ttH(bb) vs tt+jets event classification from reconstructed kinematics.

Low-level object kinematics are combined with a few high-level observables
(m_bb, dR_bb, H_T) and fed to a fully connected classifier. Inputs are
standardised inside the model so the exported network is self-contained.
"""
import numpy as np
import torch
import torch.nn as nn
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import train_test_split

RAW_COLUMNS = [
    "lep_pt", "lep_eta", "lep_phi", "met", "met_phi",
    "b1_pt", "b1_eta", "b1_phi", "b2_pt", "b2_eta", "b2_phi",
]
HIGH_LEVEL_COLUMNS = ["m_bb", "dR_bb", "H_T"]
INPUT_COLUMNS = RAW_COLUMNS + HIGH_LEVEL_COLUMNS

CONFIG = dict(n_events=6000, hidden=[64, 64], dropout=0.1, lr=1e-3, batch_size=256,
              epochs=3, test_size=0.25, seed=2024)


def generate_events(n, rng):
    y = rng.integers(0, 2, n)
    lep_pt = rng.exponential(40, n) + 25
    b1_pt = np.where(y == 1, rng.normal(110, 30, n), rng.exponential(70, n) + 30).clip(30)
    b2_pt = np.where(y == 1, rng.normal(70, 20, n), rng.exponential(45, n) + 25).clip(25)
    cols = {
        "lep_pt": lep_pt, "lep_eta": rng.normal(0, 1.1, n), "lep_phi": rng.uniform(-np.pi, np.pi, n),
        "met": rng.exponential(50, n), "met_phi": rng.uniform(-np.pi, np.pi, n),
        "b1_pt": b1_pt, "b1_eta": rng.normal(0, 1.0, n), "b1_phi": rng.uniform(-np.pi, np.pi, n),
        "b2_pt": b2_pt, "b2_eta": rng.normal(0, 1.0, n),
    }
    # signal b's come from a 125 GeV resonance: keep them closer in phi
    dphi_sig = rng.normal(0, 0.9, n)
    cols["b2_phi"] = np.where(y == 1, cols["b1_phi"] + dphi_sig, rng.uniform(-np.pi, np.pi, n))
    raw = np.stack([cols[c] for c in RAW_COLUMNS], axis=1).astype(np.float32)
    return raw, y.astype(np.float32)


def four_vector(pt, eta, phi):
    px, py, pz = pt * np.cos(phi), pt * np.sin(phi), pt * np.sinh(eta)
    return np.sqrt(px ** 2 + py ** 2 + pz ** 2), px, py, pz


def add_high_level(raw):
    c = {name: raw[:, i] for i, name in enumerate(RAW_COLUMNS)}
    e1, px1, py1, pz1 = four_vector(c["b1_pt"], c["b1_eta"], c["b1_phi"])
    e2, px2, py2, pz2 = four_vector(c["b2_pt"], c["b2_eta"], c["b2_phi"])
    m2 = (e1 + e2) ** 2 - (px1 + px2) ** 2 - (py1 + py2) ** 2 - (pz1 + pz2) ** 2
    m_bb = np.sqrt(np.clip(m2, 0, None))
    dphi = np.mod(c["b1_phi"] - c["b2_phi"] + np.pi, 2 * np.pi) - np.pi
    dr_bb = np.sqrt((c["b1_eta"] - c["b2_eta"]) ** 2 + dphi ** 2)
    h_t = c["lep_pt"] + c["b1_pt"] + c["b2_pt"] + c["met"]
    return np.concatenate([raw, np.stack([m_bb, dr_bb, h_t], axis=1)], axis=1).astype(np.float32)


class Standardize(nn.Module):
    def __init__(self, mean, std):
        super().__init__()
        self.register_buffer("mean", torch.as_tensor(mean, dtype=torch.float32))
        self.register_buffer("std", torch.as_tensor(std, dtype=torch.float32).clamp(min=1e-6))

    def forward(self, x):
        return (x - self.mean) / self.std


class EventClassifier(nn.Module):
    def __init__(self, n_inputs, hidden, dropout, mean, std):
        super().__init__()
        self.norm = Standardize(mean, std)
        layers, d = [], n_inputs
        for h in hidden:
            layers += [nn.Linear(d, h), nn.ReLU(), nn.Dropout(dropout)]
            d = h
        layers.append(nn.Linear(d, 1))
        self.net = nn.Sequential(*layers)

    def forward(self, x):
        return self.net(self.norm(x)).squeeze(-1)


class Trainer:
    def __init__(self, model, cfg):
        self.model = model
        self.cfg = cfg
        self.opt = torch.optim.AdamW(model.parameters(), lr=cfg["lr"])
        self.loss_fn = nn.BCEWithLogitsLoss()

    def fit(self, X, y):
        X, y = torch.from_numpy(X), torch.from_numpy(y)
        g = torch.Generator().manual_seed(self.cfg["seed"])
        for epoch in range(self.cfg["epochs"]):
            self.model.train()
            perm = torch.randperm(len(X), generator=g)
            running = 0.0
            for start in range(0, len(X), self.cfg["batch_size"]):
                idx = perm[start:start + self.cfg["batch_size"]]
                loss = self.loss_fn(self.model(X[idx]), y[idx])
                self.opt.zero_grad()
                loss.backward()
                self.opt.step()
                running += loss.item() * len(idx)
            print(f"epoch {epoch}: loss {running / len(X):.4f}")

    @torch.no_grad()
    def predict(self, X):
        self.model.eval()
        return torch.sigmoid(self.model(torch.from_numpy(X))).numpy()


def main(cfg):
    torch.manual_seed(cfg["seed"])
    rng = np.random.default_rng(cfg["seed"])
    raw, y = generate_events(cfg["n_events"], rng)
    raw_train, raw_test, y_train, y_test = train_test_split(
        raw, y, test_size=cfg["test_size"], random_state=cfg["seed"], stratify=y)

    mean, std = raw_train.mean(axis=0), raw_train.std(axis=0)
    X_train, X_test = add_high_level(raw_train), add_high_level(raw_test)

    model = EventClassifier(len(INPUT_COLUMNS), cfg["hidden"], cfg["dropout"], mean, std)
    trainer = Trainer(model, cfg)
    trainer.fit(X_train, y_train)
    scores = trainer.predict(X_test)
    print(f"test ROC AUC: {roc_auc_score(y_test, scores):.4f}")


if __name__ == "__main__":
    main(CONFIG)
