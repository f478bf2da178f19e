import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)

N_FEATURES = 12
N_CLASSES = 4

x_tr = torch.randn(96, N_FEATURES)
y_tr = torch.randint(0, N_CLASSES, (96,))
x_te = torch.randn(40, N_FEATURES)
y_te = torch.randint(0, N_CLASSES, (40,))


class SensorClassifier(nn.Module):
    def __init__(self, n_in, n_out, hidden=32):
        super().__init__()
        self.net = nn.Sequential(
            nn.Linear(n_in, hidden),
            nn.ReLU(),
            nn.Dropout(0.1),
            nn.Linear(hidden, n_out),
        )

    def forward(self, x):
        return self.net(x)


def score(model, inputs, targets):
    model.eval()
    with torch.no_grad():
        logits = model(inputs)
        loss = F.cross_entropy(logits, y_tr)
        acc = (logits.argmax(dim=1) == targets).float().mean()
    model.train()
    return loss.item(), acc.item()


model = SensorClassifier(N_FEATURES, N_CLASSES)
opt = torch.optim.Adam(model.parameters(), lr=1e-2)

for epoch in range(5):
    perm = torch.randperm(x_tr.size(0))
    for i in range(0, x_tr.size(0), 32):
        idx = perm[i:i + 32]
        opt.zero_grad()
        loss = F.cross_entropy(model(x_tr[idx]), y_tr[idx])
        loss.backward()
        opt.step()
    tr_loss, tr_acc = score(model, x_tr, y_tr)
    te_loss, te_acc = score(model, x_te, y_te)
    print(f"epoch {epoch}: train {tr_loss:.3f}/{tr_acc:.2f}  test {te_loss:.3f}/{te_acc:.2f}")
