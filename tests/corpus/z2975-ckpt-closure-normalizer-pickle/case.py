import os
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, TensorDataset

HERE = os.path.dirname(os.path.abspath(__file__))

config = {
    "obs": {"joints": 7, "quat": 4, "tactile": 12},
    "policy": {"hidden": [64, 64], "act_dim": 7},
    "train": {"epochs": 3, "bs": 32, "lr": 1e-3, "n": 512, "seed": 11},
    "ckpt": {"dir": HERE, "name": "grasp_policy.pt"},
}


@dataclass
class ObsStats:
    mean: torch.Tensor
    std: torch.Tensor


def generate_demos(n, obs_cfg, act_dim, seed):
    g = torch.Generator().manual_seed(seed)
    joints = torch.randn(n, obs_cfg["joints"], generator=g) * 0.7
    quat = torch.randn(n, obs_cfg["quat"], generator=g)
    quat = quat / quat.norm(dim=-1, keepdim=True)
    tactile = torch.rand(n, obs_cfg["tactile"], generator=g) * 5.0
    obs = {"joints": joints, "quat": quat, "tactile": tactile}
    W = torch.randn(sum(obs_cfg.values()), act_dim, generator=g) * 0.1
    flat = torch.cat([obs[k] for k in obs_cfg], dim=-1)
    actions = torch.tanh(flat @ W)
    return obs, actions


def compute_stats(obs, keys):
    flat = torch.cat([obs[k] for k in keys], dim=-1)
    return ObsStats(mean=flat.mean(0), std=flat.std(0).clamp_min(1e-3))


def make_obs_normalizer(stats, keys):
    def normalize(obs_dict):
        flat = torch.cat([obs_dict[k] for k in keys], dim=-1)
        return (flat - stats.mean) / stats.std
    return normalize


class MLPPolicy(nn.Module):
    def __init__(self, in_dim, hidden, act_dim):
        super().__init__()
        layers, d = [], in_dim
        for h in hidden:
            layers += [nn.Linear(d, h), nn.ReLU()]
            d = h
        layers.append(nn.Linear(d, act_dim))
        self.net = nn.Sequential(*layers)

    def forward(self, x):
        return torch.tanh(self.net(x))


def evaluate(policy, normalize, obs, actions):
    policy.eval()
    with torch.no_grad():
        pred = policy(normalize(obs))
    err = (pred - actions).abs().mean(0).numpy()
    return {f"joint_{i}": float(e) for i, e in enumerate(err)}


def main():
    tc = config["train"]
    keys = list(config["obs"])
    torch.manual_seed(tc["seed"])
    obs, actions = generate_demos(tc["n"], config["obs"], config["policy"]["act_dim"], tc["seed"])

    n_train = int(0.85 * tc["n"])
    train_obs = {k: v[:n_train] for k, v in obs.items()}
    val_obs = {k: v[n_train:] for k, v in obs.items()}
    stats = compute_stats(train_obs, keys)
    normalize = make_obs_normalizer(stats, keys)

    ds = TensorDataset(*[train_obs[k] for k in keys], actions[:n_train])
    loader = DataLoader(ds, batch_size=tc["bs"], shuffle=True)

    in_dim = sum(config["obs"].values())
    policy = MLPPolicy(in_dim, config["policy"]["hidden"], config["policy"]["act_dim"])
    opt = torch.optim.Adam(policy.parameters(), lr=tc["lr"])

    for epoch in range(tc["epochs"]):
        policy.train()
        epoch_loss = []
        for *obs_parts, act in loader:
            batch_obs = dict(zip(keys, obs_parts))
            pred = policy(normalize(batch_obs))
            loss = nn.functional.smooth_l1_loss(pred, act)
            opt.zero_grad()
            loss.backward()
            opt.step()
            epoch_loss.append(loss.item())
        per_joint = evaluate(policy, normalize, val_obs, actions[n_train:])
        print(f"epoch {epoch}: train {np.mean(epoch_loss):.4f} val_mae {np.mean(list(per_joint.values())):.4f}")

    ckpt_path = os.path.join(config["ckpt"]["dir"], config["ckpt"]["name"])
    torch.save(
        {
            "policy": policy.state_dict(),
            "config": config,
            "normalizer": normalize,
            "val_mae": per_joint,
        },
        ckpt_path,
    )
    restored = torch.load(ckpt_path, weights_only=False)
    print("saved", ckpt_path, "keys:", sorted(restored))


if __name__ == "__main__":
    main()
