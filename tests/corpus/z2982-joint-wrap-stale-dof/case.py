import math

import numpy as np
import torch
import torch.nn as nn

ARM_DOF = 7

cfg = {
    "robot": {
        "name": "ur5e",
        "dof": 6,
        "home": [0.0, -1.57, 1.57, -1.57, -1.57, 0.0],
    },
    "episodes": {"count": 40, "steps": 50, "hz": 25},
    "optim": {"lr": 2e-3, "epochs": 3, "batch": 10},
    "net": {"hidden": [128, 128]},
}


def simulate_episodes(rng, c):
    dof, steps = c["robot"]["dof"], c["episodes"]["steps"]
    home = np.array(c["robot"]["home"], dtype=np.float32)
    eps = []
    for _ in range(c["episodes"]["count"]):
        target = home + rng.normal(0, 1.5, size=dof).astype(np.float32)
        alpha = np.linspace(0, 1, steps, dtype=np.float32)[:, None]
        q = home + alpha * (target - home) + rng.normal(0, 0.02, size=(steps, dof)).astype(np.float32)
        yaw = q[:, 0:1]
        quat = np.concatenate(
            [np.cos(yaw / 2), np.zeros_like(yaw), np.zeros_like(yaw), np.sin(yaw / 2)], axis=1
        )
        eps.append({"q": q, "ee_quat": quat.astype(np.float32)})
    return eps


def stack_episodes(eps):
    q = torch.from_numpy(np.stack([e["q"] for e in eps]))
    quat = torch.from_numpy(np.stack([e["ee_quat"] for e in eps]))
    return q, quat


def wrap_to_pi(x):
    return torch.remainder(x + math.pi, 2 * math.pi) - math.pi


def canonicalize(q, quat):
    q = q.clone()
    for j in range(ARM_DOF):
        q[..., j] = wrap_to_pi(q[..., j])
    sign = torch.where(quat[..., :1] < 0, -1.0, 1.0)
    return q, quat * sign


def build_pairs(q, quat):
    obs = torch.cat([torch.sin(q), torch.cos(q), quat], dim=-1)
    x = obs[:, :-1].reshape(-1, obs.shape[-1])
    y = (q[:, 1:] - q[:, :-1]).reshape(-1, q.shape[-1])
    return x, y


class DeltaPolicy(nn.Module):
    def __init__(self, in_dim, out_dim, hidden):
        super().__init__()
        layers, d = [], in_dim
        for h in hidden:
            layers += [nn.Linear(d, h), nn.ReLU()]
            d = h
        layers.append(nn.Linear(d, out_dim))
        self.net = nn.Sequential(*layers)

    def forward(self, x):
        return self.net(x)


def minibatches(x, y, bs, gen):
    perm = torch.randperm(x.shape[0], generator=gen)
    for i in range(0, len(perm), bs):
        idx = perm[i : i + bs]
        yield x[idx], y[idx]


def main():
    rng = np.random.default_rng(3)
    torch.manual_seed(3)
    eps = simulate_episodes(rng, cfg)
    q, quat = stack_episodes(eps)
    q, quat = canonicalize(q, quat)
    x, y = build_pairs(q, quat)
    scale = y.std(0, keepdim=True) + 1e-6
    policy = DeltaPolicy(x.shape[-1], y.shape[-1], cfg["net"]["hidden"])
    opt = torch.optim.Adam(policy.parameters(), lr=cfg["optim"]["lr"])
    gen = torch.Generator().manual_seed(0)
    for epoch in range(cfg["optim"]["epochs"]):
        running = []
        for xb, yb in minibatches(x, y, cfg["optim"]["batch"] * cfg["episodes"]["steps"], gen):
            pred = policy(xb)
            loss = nn.functional.mse_loss(pred, yb / scale)
            opt.zero_grad()
            loss.backward()
            opt.step()
            running.append(loss.item())
        print(f"epoch {epoch} loss {np.mean(running):.5f}")


if __name__ == "__main__":
    main()
