import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

CFG = {
    "seed": 3,
    "n_series": 64,
    "n_days": 240,
    "context": 56,
    "horizon": 14,
    "plan_days": 28,
    "hidden": 32,
    "epochs": 3,
    "batch_size": 64,
    "lr": 4e-3,
    "promo_uplift": 0.6,
    "lead_time": 3,
    "service_z": 1.65,
    "review_period": 7,
}


def synth_demand(cfg):
    rng = np.random.default_rng(cfg["seed"])
    t = np.arange(cfg["n_days"])
    level = rng.uniform(5, 40, size=(cfg["n_series"], 1))
    season = 1 + 0.25 * np.sin(2 * np.pi * t / 7)[None] + 0.1 * np.sin(2 * np.pi * t / 365)[None]
    promo = (rng.random((cfg["n_series"], cfg["n_days"])) < 0.07).astype(np.float32)
    demand = rng.poisson(level * season * (1 + cfg["promo_uplift"] * promo)).astype(np.float32)
    return torch.from_numpy(demand), torch.from_numpy(promo)


def make_windows(demand, promo, context, horizon, stride=7):
    xs, ys = [], []
    for start in range(0, demand.shape[1] - context - horizon + 1, stride):
        past = torch.stack([demand[:, start:start + context], promo[:, start:start + context]], -1)
        xs.append(past)
        ys.append(demand[:, start + context:start + context + horizon])
    return torch.cat(xs), torch.cat(ys)


def scale_inputs(x, scale):
    x = x.clone()
    x[..., 0] = x[..., 0] / scale
    return x


def build_model(cfg):
    gru = nn.GRU(input_size=2, hidden_size=cfg["hidden"], batch_first=True)
    head = nn.Linear(cfg["hidden"], cfg["horizon"])
    return nn.ModuleDict({"gru": gru, "head": head})


def forecast(model, x):
    _, h = model["gru"](x)
    return F.softplus(model["head"](h[-1]))


def fit(model, x, y, scale, cfg):
    opt = torch.optim.Adam(model.parameters(), lr=cfg["lr"])
    n = x.shape[0]
    for epoch in range(cfg["epochs"]):
        perm = torch.randperm(n)
        epoch_loss = 0.0
        for i in range(0, n, cfg["batch_size"]):
            idx = perm[i:i + cfg["batch_size"]]
            pred = forecast(model, scale_inputs(x[idx], scale[idx % cfg["n_series"]]))
            loss = F.l1_loss(pred, y[idx] / scale[idx % cfg["n_series"]])
            opt.zero_grad()
            loss.backward()
            opt.step()
            epoch_loss += loss.item() * len(idx)
        print(f"epoch {epoch}: mae(scaled) {epoch_loss / n:.4f}")


def residual_std(model, x, y, scale, cfg):
    with torch.no_grad():
        idx = torch.arange(x.shape[0])
        pred = forecast(model, scale_inputs(x, scale[idx % cfg["n_series"]]))
        resid = (pred * scale[idx % cfg["n_series"]]) - y
    return resid.std(dim=0)


def make_promo_calendar(cfg, n_days, seed_offset=100):
    g = torch.Generator().manual_seed(cfg["seed"] + seed_offset)
    return (torch.rand(cfg["n_series"], n_days, generator=g) < 0.1).float()


def plan_replenishment(point_fc, sigma, on_hand, promo_plan, cfg):
    n_days = promo_plan.shape[1]
    stock = on_hand.clone()
    pipeline = torch.zeros(cfg["n_series"], n_days + cfg["lead_time"] + 1)
    orders = torch.zeros(cfg["n_series"], n_days)
    stockouts = torch.zeros(cfg["n_series"])
    for d in range(n_days):
        stock = stock + pipeline[:, d]
        expected = point_fc[:, d] * (1 + cfg["promo_uplift"] * promo_plan[:, d])
        stockouts += (expected > stock).float()
        stock = (stock - expected).clamp(min=0)
        if d % cfg["review_period"] == 0:
            cover = cfg["lead_time"] + cfg["review_period"]
            d_end = min(d + cover, point_fc.shape[1])
            need = point_fc[:, d:d_end].sum(1)
            safety = cfg["service_z"] * sigma[d] * cover ** 0.5
            qty = (need + safety - stock - pipeline[:, d + 1:].sum(1)).clamp(min=0).round()
            orders[:, d] = qty
            pipeline[:, d + cfg["lead_time"]] += qty
    return orders, stockouts


def main(cfg):
    torch.manual_seed(cfg["seed"])
    demand, promo = synth_demand(cfg)
    split = cfg["n_days"] - cfg["context"]
    x, y = make_windows(demand[:, :split], promo[:, :split], cfg["context"], cfg["horizon"])
    scale = demand[:, :split].mean(1, keepdim=True).clamp(min=1.0)

    model = build_model(cfg)
    fit(model, x, y, scale, cfg)
    sigma = residual_std(model, x, y, scale, cfg)

    recent = torch.stack([demand[:, -cfg["context"]:], promo[:, -cfg["context"]:]], -1)
    with torch.no_grad():
        point_fc = forecast(model, scale_inputs(recent, scale)) * scale
    print("forecast shape:", tuple(point_fc.shape))

    promo_plan = make_promo_calendar(cfg, cfg["plan_days"])
    on_hand = demand[:, -7:].sum(1)
    orders, stockouts = plan_replenishment(point_fc, sigma, on_hand, promo_plan, cfg)
    print("total units ordered:", int(orders.sum().item()))
    print("series with any stockout day:", int((stockouts > 0).sum().item()))


if __name__ == "__main__":
    main(CFG)
