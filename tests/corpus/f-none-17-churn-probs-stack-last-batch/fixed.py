import torch
import torch.nn as nn
from torch.utils.data import DataLoader, TensorDataset

torch.manual_seed(1)

FEATURES = ["tenure_months", "monthly_fee", "support_calls", "late_payments", "discount_pct", "logins_per_week"]


def load_customers(n):
    x = torch.randn(n, len(FEATURES))
    logit = 1.2 * x[:, 2] + 0.8 * x[:, 3] - 1.0 * x[:, 0] - 0.5 * x[:, 5]
    churned = (torch.sigmoid(logit) > torch.rand(n)).float()
    return x, churned


class ChurnScorer(nn.Module):
    def __init__(self, n_features, hidden=24):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(n_features, hidden), nn.ReLU(), nn.Linear(hidden, 1))

    def forward(self, x):
        return self.net(x).squeeze(-1)


def fit(model, loader, epochs=4):
    opt = torch.optim.Adam(model.parameters(), lr=1e-2)
    loss_fn = nn.BCEWithLogitsLoss()
    for _ in range(epochs):
        for feats, target in loader:
            loss = loss_fn(model(feats), target)
            opt.zero_grad()
            loss.backward()
            opt.step()


@torch.no_grad()
def score_customers(model, loader):
    model.eval()
    churn_probs, truths = [], []
    for feats, target in loader:
        churn_probs.append(torch.sigmoid(model(feats)))
        truths.append(target)
    return torch.cat(churn_probs), torch.cat(truths)


def main():
    x_train, y_train = load_customers(640)
    x_hold, y_hold = load_customers(203)
    train_loader = DataLoader(TensorDataset(x_train, y_train), batch_size=64, shuffle=True)
    hold_loader = DataLoader(TensorDataset(x_hold, y_hold), batch_size=64)
    model = ChurnScorer(len(FEATURES))
    fit(model, train_loader)
    probs, truth = score_customers(model, hold_loader)
    flagged = probs > 0.5
    accuracy = (flagged.float() == truth).float().mean().item()
    print(f"holdout customers: {probs.numel()}, flagged: {int(flagged.sum())}, accuracy: {accuracy:.3f}")


if __name__ == "__main__":
    main()
