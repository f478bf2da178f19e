import numpy as np
import torch
import torch.nn as nn

SETTINGS = {
    "sensors": {"n_joints": 7, "wrench_dim": 6, "tactile_taxels": 16},
    "filter": {"min_peak_force": 4.0, "max_slip": 0.35},
    "split": {"n_val": 40, "seed": 11},
    "train": {"epochs": 4, "batch": 16, "lr": 1e-3, "weight_decay": 1e-4},
}


def record_attempts(n, rng, s):
    attempts = []
    for k in range(n):
        joints = rng.uniform(-2.5, 2.5, size=s["n_joints"])
        quat = rng.normal(size=4)
        quat /= np.linalg.norm(quat)
        wrench = rng.normal(0, 3.0, size=s["wrench_dim"])
        tactile = rng.gamma(2.0, 0.5, size=s["tactile_taxels"])
        slip = float(rng.beta(2, 5))
        attempts.append(
            {
                "id": k,
                "obs": {
                    "joints": joints.astype(np.float32),
                    "ee_quat": quat.astype(np.float32),
                    "wrench": wrench.astype(np.float32),
                    "tactile": tactile.astype(np.float32),
                },
                "slip": slip,
                "success": int(tactile.mean() > 0.9 and slip < 0.3),
            }
        )
    return attempts


def keep_attempt(a, f):
    peak = np.abs(a["obs"]["wrench"][:3]).max()
    return peak >= f["min_peak_force"] and a["slip"] <= f["max_slip"]


def to_tensors(attempts):
    keys = ["joints", "ee_quat", "wrench", "tactile"]
    feats = {k: torch.from_numpy(np.stack([a["obs"][k] for a in attempts])) for k in keys}
    x = torch.cat([feats[k] for k in keys], dim=-1)
    y = torch.tensor([a["success"] for a in attempts], dtype=torch.float32)
    return x, y


def split_attempts(attempts, split_cfg):
    rng = np.random.default_rng(split_cfg["seed"])
    val_idx = rng.choice(len(attempts), size=split_cfg["n_val"], replace=False)
    val_set = set(val_idx.tolist())
    train = [a for i, a in enumerate(attempts) if i not in val_set]
    val = [a for i, a in enumerate(attempts) if i in val_set]
    return train, val


class GraspHead(nn.Module):
    def __init__(self, d_in):
        super().__init__()
        self.body = nn.Sequential(nn.LayerNorm(d_in), nn.Linear(d_in, 64), nn.SiLU(), nn.Linear(64, 1))

    def forward(self, x):
        return self.body(x).squeeze(-1)


def evaluate(model, x, y):
    model.eval()
    with torch.no_grad():
        p = torch.sigmoid(model(x))
    acc = ((p > 0.5).float() == y).float().mean().item()
    return acc


def main():
    rng = np.random.default_rng(0)
    torch.manual_seed(0)
    raw = record_attempts(120, rng, SETTINGS["sensors"])
    attempts = [a for a in raw if keep_attempt(a, SETTINGS["filter"])]
    print(f"kept {len(attempts)}/{len(raw)} attempts after filtering")

    train, val = split_attempts(attempts, SETTINGS["split"])
    x_tr, y_tr = to_tensors(train)
    x_va, y_va = to_tensors(val)

    model = GraspHead(x_tr.shape[-1])
    tc = SETTINGS["train"]
    opt = torch.optim.AdamW(model.parameters(), lr=tc["lr"], weight_decay=tc["weight_decay"])
    pos_weight = (1 - y_tr.mean()) / y_tr.mean().clamp(min=1e-3)
    crit = nn.BCEWithLogitsLoss(pos_weight=pos_weight)

    for epoch in range(tc["epochs"]):
        model.train()
        perm = torch.randperm(len(x_tr))
        losses = []
        for i in range(0, len(perm), tc["batch"]):
            b = perm[i : i + tc["batch"]]
            loss = crit(model(x_tr[b]), y_tr[b])
            opt.zero_grad()
            loss.backward()
            opt.step()
            losses.append(loss.item())
        print(f"epoch {epoch} loss {np.mean(losses):.4f} val acc {evaluate(model, x_va, y_va):.3f}")


if __name__ == "__main__":
    main()
