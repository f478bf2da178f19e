import torch
import torch.nn as nn
from torch.utils.data import TensorDataset, DataLoader

CONFIG = {
    "n_train": 100,
    "n_val": 40,
    "n_features": 11,
    "n_grades": 4,
    "hidden": 48,
    "batch_size": 32,
    "epochs": 3,
    "lr": 1e-2,
}

torch.manual_seed(0)


def synth_wine_batch(n, n_features, n_grades):
    chem = torch.randn(n, n_features)
    weights = torch.linspace(-1.0, 1.0, n_features)
    score = chem @ weights + 0.2 * torch.randn(n)
    edges = torch.quantile(score, torch.linspace(0, 1, n_grades + 1)[1:-1])
    grade = torch.bucketize(score, edges)
    return chem, grade


X_train, y_train = synth_wine_batch(CONFIG["n_train"], CONFIG["n_features"], CONFIG["n_grades"])
X_val, y_val = synth_wine_batch(CONFIG["n_val"], CONFIG["n_features"], CONFIG["n_grades"])

mu, sigma = X_train.mean(0), X_train.std(0)
X_train = (X_train - mu) / sigma
X_val = (X_val - mu) / sigma

train_loader = DataLoader(TensorDataset(X_train, y_train), batch_size=CONFIG["batch_size"], shuffle=True)
val_loader = DataLoader(TensorDataset(X_val, y_val), batch_size=CONFIG["batch_size"])

model = nn.Sequential(
    nn.Linear(CONFIG["n_features"], CONFIG["hidden"]),
    nn.BatchNorm1d(CONFIG["hidden"]),
    nn.GELU(),
    nn.Dropout(0.2),
    nn.Linear(CONFIG["hidden"], CONFIG["n_grades"]),
)
criterion = nn.CrossEntropyLoss()
optimizer = torch.optim.Adam(model.parameters(), lr=CONFIG["lr"])
scheduler = torch.optim.lr_scheduler.StepLR(optimizer, step_size=2, gamma=0.5)

history = []
for epoch in range(CONFIG["epochs"]):
    model.train()
    train_loss, seen = 0.0, 0
    for x_batch, y_batch in train_loader:
        optimizer.zero_grad()
        logits = model(x_batch)
        loss = criterion(logits, y_batch)
        loss.backward()
        optimizer.step()
        train_loss += loss.item() * x_batch.size(0)
        seen += x_batch.size(0)
    scheduler.step()

    model.eval()
    val_loss, val_correct, val_seen = 0.0, 0, 0
    with torch.no_grad():
        for xv, yv in val_loader:
            out = model(xv)
            val_loss += criterion(out, yv).item() * yv.size(0)
            val_correct += (out.argmax(1) == yv).sum().item()
            val_seen += yv.size(0)

    history.append((train_loss / seen, val_loss / val_seen, val_correct / val_seen))
    print(f"epoch {epoch + 1}: train {history[-1][0]:.3f}  val {history[-1][1]:.3f}  acc {history[-1][2]:.2%}")

best = min(range(len(history)), key=lambda i: history[i][1])
print(f"best epoch {best + 1} with val loss {history[best][1]:.3f}")
