import torch
import torch.nn as nn

CONFIG = {
    "n_users": 50,
    "n_items": 120,
    "n_price_bands": 6,
    "dim": 16,
    "epochs": 3,
    "batch_size": 64,
    "lr": 0.02,
}


def synth_catalogue(n_items, seed=0):
    g = torch.Generator().manual_seed(seed)
    prices = torch.exp(torch.randn(n_items, generator=g) * 0.8 + 3.0)
    return prices


def price_band_table(prices, n_bands):
    log_p = torch.log(prices)
    lo, hi = log_p.min(), log_p.max()
    scaled = (log_p - lo) / (hi - lo + 1e-8)
    return torch.clamp((scaled * n_bands).floor(), max=n_bands - 1)


def synth_interactions(n_users, n_items, n=800, seed=1):
    g = torch.Generator().manual_seed(seed)
    users = torch.randint(0, n_users, (n,), generator=g)
    items = torch.randint(0, n_items, (n,), generator=g)
    clicked = (torch.rand(n, generator=g) < 0.3).float()
    return users, items, clicked


class BandAwareMF(nn.Module):
    def __init__(self, n_users, n_items, n_bands, dim, band_table):
        super().__init__()
        self.user_emb = nn.Embedding(n_users, dim)
        self.item_emb = nn.Embedding(n_items, dim)
        self.band_emb = nn.Embedding(n_bands, dim)
        self.register_buffer("band_of_item", band_table)

    def forward(self, users, items):
        item_vec = self.item_emb(items) + self.band_emb(self.band_of_item[items])
        return (self.user_emb(users) * item_vec).sum(-1)


def train(cfg):
    prices = synth_catalogue(cfg["n_items"])
    bands = price_band_table(prices, cfg["n_price_bands"])
    model = BandAwareMF(cfg["n_users"], cfg["n_items"], cfg["n_price_bands"], cfg["dim"], bands)
    users, items, clicked = synth_interactions(cfg["n_users"], cfg["n_items"])
    opt = torch.optim.Adagrad(model.parameters(), lr=cfg["lr"])
    loss_fn = nn.BCEWithLogitsLoss()

    for epoch in range(cfg["epochs"]):
        perm = torch.randperm(len(users))
        running = 0.0
        for start in range(0, len(perm), cfg["batch_size"]):
            idx = perm[start:start + cfg["batch_size"]]
            logits = model(users[idx], items[idx])
            loss = loss_fn(logits, clicked[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
            running += loss.item() * len(idx)
        print(f"epoch {epoch}: bce {running / len(perm):.4f}")
    return model


if __name__ == "__main__":
    torch.manual_seed(0)
    trained = train(CONFIG)
    print("bands used:", trained.band_of_item.unique().tolist())
