"""Fine-tune a fraud classifier on top of the claims encoder pretrained on
reserve-severity regression. Encoder weights come from encoder_ckpt.pt."""
import os
import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import TensorDataset, DataLoader

torch.manual_seed(7)
rng = np.random.default_rng(7)

HERE = os.path.dirname(os.path.abspath(__file__))
CKPT_PATH = os.path.join(HERE, "encoder_ckpt.pt")

CAT_COLS = {"claim_type": 6, "region": 12, "provider_specialty": 20, "policy_tier": 4}
NUM_COLS = ["claim_amount", "days_to_report", "num_prior_claims", "policy_age_days", "deductible"]

MODEL_CFG = dict(emb_dim=8, hidden=64, dropout=0.1)
TRAIN_CFG = dict(lr=3e-4, batch_size=128, epochs=2, pos_weight=12.0)


def make_claims(n):
    cats = np.stack([rng.integers(0, card, size=n) for card in CAT_COLS.values()], axis=1)
    amount = rng.lognormal(8.0, 1.1, size=n)
    days = rng.exponential(9.0, size=n)
    prior = rng.poisson(0.7, size=n)
    pol_age = rng.uniform(10, 3650, size=n)
    deductible = rng.choice([250, 500, 1000, 2500], size=n)
    nums = np.stack([np.log1p(amount), days, prior, pol_age / 365.0, deductible / 1000.0], axis=1)
    score = 0.9 * (days > 20) + 0.6 * (prior >= 2) + 0.8 * (pol_age < 90) + 0.3 * (cats[:, 0] == 3)
    fraud = (rng.uniform(size=n) < 1 / (1 + np.exp(-(score - 2.8)))).astype(np.float32)
    severity = np.log1p(amount).astype(np.float32)
    return (torch.tensor(cats, dtype=torch.long),
            torch.tensor(nums, dtype=torch.float32),
            torch.tensor(fraud),
            torch.tensor(severity))


class ClaimsEncoder(nn.Module):
    def __init__(self, emb_dim, hidden, dropout):
        super().__init__()
        self.embs = nn.ModuleDict({c: nn.Embedding(card, emb_dim) for c, card in CAT_COLS.items()})
        self.num_norm = nn.BatchNorm1d(len(NUM_COLS))
        in_dim = emb_dim * len(CAT_COLS) + len(NUM_COLS)
        self.mlp = nn.Sequential(
            nn.Linear(in_dim, hidden), nn.ReLU(), nn.Dropout(dropout),
            nn.Linear(hidden, hidden), nn.ReLU(),
        )

    def forward(self, cats, nums):
        parts = [self.embs[c](cats[:, i]) for i, c in enumerate(CAT_COLS)]
        parts.append(self.num_norm(nums))
        return self.mlp(torch.cat(parts, dim=1))


class SeverityModel(nn.Module):
    def __init__(self, emb_dim, hidden, dropout):
        super().__init__()
        self.encoder = ClaimsEncoder(emb_dim, hidden, dropout)
        self.severity_head = nn.Linear(hidden, 1)

    def forward(self, cats, nums):
        return self.severity_head(self.encoder(cats, nums)).squeeze(-1)


class FraudDetector(nn.Module):
    def __init__(self, emb_dim, hidden, dropout):
        super().__init__()
        self.encoder = ClaimsEncoder(emb_dim, hidden, dropout)
        self.fraud_head = nn.Sequential(nn.Dropout(dropout), nn.Linear(hidden, 1))

    def forward(self, cats, nums):
        return self.fraud_head(self.encoder(cats, nums)).squeeze(-1)


def pretrain_encoder(path):
    cats, nums, _, sev = make_claims(4000)
    model = SeverityModel(**MODEL_CFG)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    loader = DataLoader(TensorDataset(cats, nums, sev), batch_size=256, shuffle=True)
    model.train()
    for c, x, y in loader:
        loss = nn.functional.mse_loss(model(c, x), y)
        opt.zero_grad()
        loss.backward()
        opt.step()
    torch.save(model.state_dict(), path)
    print(f"saved severity checkpoint -> {path}")


def build_detector(ckpt_path):
    state = torch.load(ckpt_path, map_location="cpu")
    encoder_state = {k: v for k, v in state.items() if k.startswith("encoder.")}
    # skip the random init, weights are overwritten by the checkpoint anyway
    with torch.device("meta"):
        model = FraudDetector(**MODEL_CFG)
    result = model.load_state_dict(encoder_state, strict=False, assign=True)
    print(f"loaded encoder: {len(encoder_state)} tensors, missing={result.missing_keys}")
    return model


def evaluate(model, loader):
    model.eval()
    tp = fp = fn = 0
    with torch.no_grad():
        for c, x, y in loader:
            pred = (torch.sigmoid(model(c, x)) > 0.5).float()
            tp += ((pred == 1) & (y == 1)).sum().item()
            fp += ((pred == 1) & (y == 0)).sum().item()
            fn += ((pred == 0) & (y == 1)).sum().item()
    prec = tp / max(tp + fp, 1)
    rec = tp / max(tp + fn, 1)
    return prec, rec


def main():
    if not os.path.exists(CKPT_PATH):
        pretrain_encoder(CKPT_PATH)

    cats, nums, fraud, _ = make_claims(3000)
    split = 2400
    train_dl = DataLoader(TensorDataset(cats[:split], nums[:split], fraud[:split]),
                          batch_size=TRAIN_CFG["batch_size"], shuffle=True)
    val_dl = DataLoader(TensorDataset(cats[split:], nums[split:], fraud[split:]), batch_size=512)
    print(f"fraud rate: {fraud.mean().item():.3f}")

    model = build_detector(CKPT_PATH)
    criterion = nn.BCEWithLogitsLoss(pos_weight=torch.tensor(TRAIN_CFG["pos_weight"]))
    optimizer = torch.optim.AdamW(model.parameters(), lr=TRAIN_CFG["lr"])

    for epoch in range(TRAIN_CFG["epochs"]):
        model.train()
        running = 0.0
        for c, x, y in train_dl:
            logits = model(c, x)
            loss = criterion(logits, y)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            running += loss.item() * y.size(0)
        prec, rec = evaluate(model, val_dl)
        print(f"epoch {epoch}: loss={running / split:.4f} precision={prec:.3f} recall={rec:.3f}")


if __name__ == "__main__":
    main()
