# codling moth trap counts -> next-week count, per trap
# small MLP on weather + last weeks' catches, plain torch
import math
import random

import torch
import torch.nn as nn


def main():
    random.seed(21)
    torch.manual_seed(21)

    # weekly records: trap id, degree days, mean night temp, rain mm, catches the two previous weeks, next-week catch
    n_rows = 40
    traps = [f"T{k:02d}" for k in range(8)]
    data = {
        "trap_id": [traps[i % len(traps)] for i in range(n_rows)],
        "block": [["north", "south", "river"][i % 3] for i in range(n_rows)],
        "degree_days": [round(120 + 9 * i + random.uniform(-15, 15), 1) for i in range(n_rows)],
        "night_temp": [round(11 + 4 * math.sin(i / 6) + random.gauss(0, 1), 1) for i in range(n_rows)],
        "rain_mm": [round(max(0.0, random.gauss(6, 5)), 1) for _ in range(n_rows)],
        "prev1": [random.randint(0, 25) for _ in range(n_rows)],
        "prev2": [random.randint(0, 25) for _ in range(n_rows)],
    }
    data["next_catch"] = [
        max(0, round(0.6 * p1 + 0.2 * p2 + 0.8 * (t - 10) - 0.3 * r + random.gauss(0, 2)))
        for p1, p2, t, r in zip(data["prev1"], data["prev2"], data["night_temp"], data["rain_mm"])
    ]
    feat_cols = ["degree_days", "night_temp", "rain_mm", "prev1", "prev2"]
    print(f"[data] {n_rows} trap-weeks, {len(set(data['trap_id']))} traps, features={feat_cols}")

    X = torch.tensor([[data[c][i] for c in feat_cols] for i in range(n_rows)], dtype=torch.float32)
    y = torch.tensor(data["next_catch"], dtype=torch.float32).unsqueeze(1)
    mu, sd = X.mean(0), X.std(0)
    X = (X - mu) / sd

    perm = torch.randperm(n_rows)
    n_val = int(0.3 * n_rows)
    val_idx, train_idx = perm[:n_val], perm[n_val:]
    print(f"[split] train={len(train_idx)} val={len(val_idx)}")

    net = nn.Sequential(nn.Linear(len(feat_cols), 32), nn.ReLU(), nn.Linear(32, 16), nn.ReLU(), nn.Linear(16, 1))
    opt = torch.optim.Adam(net.parameters(), lr=1e-2)
    mse = nn.MSELoss()
    rmse = lambda a, b: math.sqrt(((a - b) ** 2).mean().item())

    for step in range(30):
        net.train()
        loss = mse(net(X[train_idx]), y[train_idx])
        opt.zero_grad()
        loss.backward()
        opt.step()
        if step % 100 == 0 or step == 29:
            with torch.no_grad():
                v = rmse(net(X[val_idx]), y[val_idx])
            print(f"[train] step {step:3d} mse {loss.item():.3f} val rmse {v:.3f}")

    net.eval()
    with torch.no_grad():
        preds = net(X[val_idx]).squeeze(1).clamp(min=0)

    # per-trap report for the scouting sheet
    report = {}
    for i in range(len(val_idx)):
        row = val_idx[i].item()
        report.setdefault(data["trap_id"][row], []).append((data["next_catch"][row], preds[i].item()))
    for trap, pairs in sorted(report.items()):
        err = sum(abs(a - p) for a, p in pairs) / len(pairs)
        flag = " <-- spray window" if any(p > 15 for _, p in pairs) else ""
        print(f"[report] {trap}: {len(pairs)} weeks, MAE {err:.2f}{flag}")


if __name__ == "__main__":
    main()
