"""Small-business loan default model: industry / region embeddings + scaled financial ratios."""
import numpy as np
import torch
import torch.nn as nn
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler
from torch.utils.data import DataLoader, Dataset

rng = np.random.default_rng(2024)
torch.manual_seed(2024)

INDUSTRIES = ["retail", "construction", "hospitality", "manufacturing", "logistics", "software", "agri"]
REGIONS = ["north", "south", "east", "west", "central"]
RATIO_NAMES = ["debt_to_income", "current_ratio", "interest_cover", "months_in_business",
               "loan_to_revenue", "late_payments_12m", "utilization"]


def make_loan_book(n):
    industry = rng.integers(0, len(INDUSTRIES), size=n)
    region = rng.integers(0, len(REGIONS), size=n)
    ratios = np.column_stack([
        rng.gamma(2.0, 0.2, n),
        rng.lognormal(0.2, 0.4, n),
        rng.lognormal(1.0, 0.8, n),
        rng.integers(3, 240, n),
        rng.beta(2, 5, n),
        rng.poisson(0.6, n),
        rng.beta(2, 3, n),
    ])
    industry_risk = np.array([0.2, 0.6, 0.7, 0.1, 0.3, -0.2, 0.4])[industry]
    score = (2.0 * ratios[:, 0] - 0.8 * np.log(ratios[:, 2]) - 0.005 * ratios[:, 3]
             + 1.5 * ratios[:, 4] + 0.7 * ratios[:, 5] + 1.2 * ratios[:, 6] + industry_risk - 1.3)
    default = (rng.random(n) < 1 / (1 + np.exp(-score))).astype(np.float32)
    return industry, region, ratios, default


class LoanBook(Dataset):
    def __init__(self, industry, region, ratios, default, scaler):
        self.industry = torch.from_numpy(industry).long()
        self.region = torch.from_numpy(region).long()
        self.ratios = torch.from_numpy(scaler.transform(ratios)).float()
        self.default = torch.from_numpy(default)

    def __len__(self):
        return len(self.default)

    def __getitem__(self, i):
        return self.industry[i], self.region[i], self.ratios[i], self.default[i]


class DefaultModel(nn.Module):
    def __init__(self, n_ratios, ind_dim=6, reg_dim=3, hidden=48):
        super().__init__()
        self.industry_emb = nn.Embedding(len(INDUSTRIES), ind_dim)
        self.region_emb = nn.Embedding(len(REGIONS), reg_dim)
        self.body = nn.Sequential(
            nn.Linear(ind_dim + reg_dim + n_ratios, hidden),
            nn.GELU(),
            nn.Linear(hidden, hidden // 2),
            nn.GELU(),
            nn.Linear(hidden // 2, 1),
        )

    def forward(self, industry, region, ratios):
        z = torch.cat([self.industry_emb(industry), self.region_emb(region), ratios], dim=1)
        return self.body(z).squeeze(1)


def evaluate(model, loader):
    model.eval()
    probs, targets = [], []
    with torch.no_grad():
        for ind, reg, rat, y in loader:
            probs.append(torch.sigmoid(model(ind, reg, rat)))
            targets.append(y)
    p, t = torch.cat(probs), torch.cat(targets)
    brier = ((p - t) ** 2).mean().item()
    acc = ((p > 0.5).float() == t).float().mean().item()
    return brier, acc


def main():
    industry, region, ratios, default = make_loan_book(3000)
    idx_train, idx_test = train_test_split(np.arange(len(default)), test_size=0.2,
                                           stratify=default, random_state=0)
    scaler = StandardScaler().fit(ratios[idx_train])
    train_ds = LoanBook(industry[idx_train], region[idx_train], ratios[idx_train], default[idx_train], scaler)
    test_ds = LoanBook(industry[idx_test], region[idx_test], ratios[idx_test], default[idx_test], scaler)
    train_dl = DataLoader(train_ds, batch_size=100, shuffle=True)
    test_dl = DataLoader(test_ds, batch_size=500)
    print(f"default rate train {default[idx_train].mean():.3f}, features: {', '.join(RATIO_NAMES)}")

    model = DefaultModel(n_ratios=len(RATIO_NAMES))
    opt = torch.optim.AdamW(model.parameters(), lr=2e-3)
    loss_fn = nn.BCEWithLogitsLoss()

    for epoch in range(6):
        model.train()
        seen, total = 0, 0.0
        for ind, reg, rat, y in train_dl:
            opt.zero_grad()
            loss = loss_fn(model(ind, reg, rat), y)
            loss.backward()
            opt.step()
            total += loss.item() * len(y)
            seen += len(y)
        brier, acc = evaluate(model, test_dl)
        print(f"epoch {epoch}: train bce {total / seen:.4f}  test brier {brier:.4f}  acc {acc:.3f}")


if __name__ == "__main__":
    main()
