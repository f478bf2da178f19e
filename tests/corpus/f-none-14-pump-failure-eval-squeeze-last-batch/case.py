import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, TensorDataset

TELEMETRY_FEATURES = ["vibration_rms", "bearing_temp", "flow_rate", "inlet_pressure",
                      "outlet_pressure", "motor_current", "runtime_hours", "rpm"]


class FailureRiskModel(nn.Module):
    def __init__(self, n_features, hidden=16):
        super().__init__()
        self.body = nn.Sequential(
            nn.Linear(n_features, hidden), nn.ReLU(),
            nn.Linear(hidden, hidden), nn.ReLU(),
        )
        self.risk_head = nn.Linear(hidden, 1)

    def forward(self, x):
        return self.risk_head(self.body(x))


def build_splits(seed=0):
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(120, len(TELEMETRY_FEATURES), generator=g)
    y = (x[:, 0] + 0.5 * x[:, 1] > 0.8).float()
    train = TensorDataset(x[:87], y[:87])
    valid = TensorDataset(x[87:], y[87:])
    return train, valid


@torch.no_grad()
def evaluate(model, loader):
    model.eval()
    total_loss, correct, seen = 0.0, 0, 0
    for feats, failed in loader:
        logits = model(feats).squeeze()
        total_loss += F.binary_cross_entropy_with_logits(logits, failed, reduction="sum").item()
        correct += ((logits > 0).float() == failed).sum().item()
        seen += failed.numel()
    return total_loss / seen, correct / seen


if __name__ == "__main__":
    torch.manual_seed(0)
    train_ds, valid_ds = build_splits()
    train_dl = DataLoader(train_ds, batch_size=16, shuffle=True, drop_last=True)
    valid_dl = DataLoader(valid_ds, batch_size=8)
    model = FailureRiskModel(len(TELEMETRY_FEATURES))
    opt = torch.optim.Adam(model.parameters(), lr=1e-2)
    for epoch in range(3):
        model.train()
        for feats, failed in train_dl:
            loss = F.binary_cross_entropy_with_logits(model(feats)[:, 0], failed)
            opt.zero_grad()
            loss.backward()
            opt.step()
        val_loss, val_acc = evaluate(model, valid_dl)
        print(f"epoch {epoch}: val_bce={val_loss:.4f} val_acc={val_acc:.3f}")
