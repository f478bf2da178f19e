import torch
import torch.nn as nn
import torch.nn.functional as F

CATEGORIES = ["billing", "shipping", "returns", "account"]


class TicketLabelSpace:
    def __init__(self, categories):
        self.labels = ["<none>", *categories]
        self.index = {t: i for i, t in enumerate(self.labels)}

    def encode(self, names):
        return torch.tensor([self.index[n] for n in names], dtype=torch.long)


class TicketRouter(nn.Module):
    def __init__(self, n_features, hidden, n_routes):
        super().__init__()
        self.encoder = nn.Sequential(nn.Linear(n_features, hidden), nn.GELU(), nn.Dropout(0.1))
        self.route_head = nn.Linear(hidden, n_routes)

    def forward(self, x):
        return self.route_head(self.encoder(x))


def make_batch(space, n_features, gen):
    routed = ["billing", "account", "shipping", "returns", "account", "billing", "returns", "shipping"]
    feats = torch.randn(len(routed), n_features, generator=gen)
    return feats, space.encode(routed)


def train(steps=5):
    gen = torch.Generator().manual_seed(7)
    space = TicketLabelSpace(CATEGORIES)
    model = TicketRouter(n_features=24, hidden=48, n_routes=len(CATEGORIES))
    opt = torch.optim.AdamW(model.parameters(), lr=3e-3)
    for step in range(steps):
        feats, targets = make_batch(space, 24, gen)
        logits = model(feats)
        loss = F.cross_entropy(logits, targets)
        opt.zero_grad()
        loss.backward()
        opt.step()
        acc = (logits.argmax(-1) == targets).float().mean().item()
        print(f"step {step} loss {loss.item():.4f} acc {acc:.2f}")
    return model


if __name__ == "__main__":
    train()
