import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)

ACTIVITIES = ["walking", "running", "sitting", "stairs"]
N_FEATURES = 12  # mean/std/min/max of x, y, z accelerometer axes


def synth_windows(n_per_class):
    feats, acts = [], []
    for k, _ in enumerate(ACTIVITIES):
        center = torch.randn(N_FEATURES) * 2.0
        feats.append(center + 0.7 * torch.randn(n_per_class, N_FEATURES))
        acts.extend([k] * n_per_class)
    return torch.cat(feats), torch.tensor(acts)


X_all, y_all = synth_windows(30)
order = torch.randperm(len(y_all))
X_all, y_all = X_all[order], y_all[order]

n_val = 24
X_train, y_train = X_all[n_val:], y_all[n_val:]
X_val, y_val = X_all[:n_val], y_all[:n_val]

mu, sigma = X_train.mean(0), X_train.std(0)
X_train = (X_train - mu) / sigma
X_val = (X_val - mu) / sigma


class ActivityMLP(nn.Module):
    def __init__(self, d_in, n_out, hidden=64, p=0.2):
        super().__init__()
        self.body = nn.Sequential(
            nn.Linear(d_in, hidden), nn.ReLU(), nn.Dropout(p),
            nn.Linear(hidden, hidden), nn.ReLU(), nn.Dropout(p),
        )
        self.head = nn.Linear(hidden, n_out)

    def forward(self, x):
        return self.head(self.body(x))


def evaluate(net, feats, ys):
    net.eval()
    with torch.no_grad():
        logits = net(feats)
    loss = F.cross_entropy(logits, ys)
    acc = (logits.argmax(-1) == ys).float().mean()
    net.train()
    return loss.item(), acc.item()


def batches(X, y, bs):
    idx = torch.randperm(len(y))
    for s in range(0, len(y), bs):
        j = idx[s:s + bs]
        yield X[j], y[j]


net = ActivityMLP(N_FEATURES, len(ACTIVITIES))
opt = torch.optim.AdamW(net.parameters(), lr=3e-3, weight_decay=1e-2)

for epoch in range(15):
    running = 0.0
    for xb, yb in batches(X_train, y_train, 16):
        opt.zero_grad()
        loss = F.cross_entropy(net(xb), yb)
        loss.backward()
        opt.step()
        running += loss.item() * len(yb)
    if epoch % 5 == 4:
        val_loss, val_acc = evaluate(net, X_val, y_val)
        print(f"epoch {epoch+1}: train {running/len(y_train):.3f} val {val_loss:.3f} acc {val_acc:.2%}")

print("final", evaluate(net, X_val, y_val))
