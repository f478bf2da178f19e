import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

torch.manual_seed(0)

N_FEATURES = 11


def synth_wines(n):
    chem = torch.randn(n, N_FEATURES)
    weights = torch.linspace(-0.5, 0.8, N_FEATURES)
    quality = 5.5 + chem @ weights + 0.3 * torch.randn(n)
    return chem, quality.unsqueeze(1)


train_x, train_y = synth_wines(600)
valid_x, valid_y = synth_wines(250)
train_loader = DataLoader(TensorDataset(train_x, train_y), batch_size=64, shuffle=True)
valid_loader = DataLoader(TensorDataset(valid_x, valid_y), batch_size=64)

model = nn.Sequential(nn.Linear(N_FEATURES, 32), nn.ReLU(), nn.Linear(32, 1))
optimizer = torch.optim.Adam(model.parameters(), lr=1e-2)


def batch_predictions(model, loader):
    model.eval()
    with torch.no_grad():
        for xb, _ in loader:
            yield model(xb)


def evaluate(model, loader, targets):
    preds = torch.cat(list(batch_predictions(model, loader)))
    mae = (preds - targets).abs().mean().item()
    within_half = ((preds - targets).abs() < 0.5).float().mean().item()
    return mae, within_half


for epoch in range(5):
    model.train()
    for xb, yb in train_loader:
        loss = nn.functional.mse_loss(model(xb), yb)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    mae, within_half = evaluate(model, valid_loader, valid_y)
    print(f"epoch {epoch}: valid MAE {mae:.3f}, within 0.5: {within_half:.2%}")
