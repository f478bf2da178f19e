import math
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

cfg = {
    "obs": {
        "keys": ["joint_pos", "joint_vel", "ee_pos", "ee_rot", "gripper_width", "ft_wrench"],
        "dims": {"joint_pos": 7, "joint_vel": 7, "ee_pos": 3, "ee_rot": 3, "gripper_width": 1, "ft_wrench": 6},
        "frame_stack": 3,
    },
    "net": {"hidden": [128, 64], "dropout": 0.1},
    "optim": {"lr": 1e-3, "weight_decay": 1e-5},
    "loop": {"episodes": 200, "batch": 16, "epochs": 3, "seed": 11},
}


def axis_angle_to_quat(axis, angle):
    axis = axis / np.linalg.norm(axis, axis=-1, keepdims=True)
    s = np.sin(angle / 2.0)[..., None]
    return np.concatenate([np.cos(angle / 2.0)[..., None], axis * s], axis=-1)


class EpisodeLog:
    def __init__(self, rng, length=20):
        self.length = length
        self.joint_pos = rng.uniform(-2.0, 2.0, size=(length, 7)).cumsum(0) * 0.05
        self.joint_vel = np.gradient(self.joint_pos, axis=0)
        self.ee_pos = rng.normal([0.5, 0.0, 0.2], 0.05, size=(length, 3))
        axis = rng.normal(size=(length, 3))
        angle = rng.uniform(0, math.pi, size=length)
        self.ee_rot = axis_angle_to_quat(axis, angle)
        self.gripper_width = np.linspace(0.08, rng.uniform(0.0, 0.05), length)[:, None]
        self.ft_wrench = rng.normal(0, 2.0, size=(length, 6))
        closed = self.gripper_width[-1, 0]
        self.success = float(closed > 0.012 and np.abs(self.ft_wrench[-3:, 2]).mean() > 1.0)

    def frames(self, t, keys):
        return {k: torch.as_tensor(getattr(self, k)[t], dtype=torch.float32) for k in keys}


def stacked_obs(ep, keys, n_stack):
    t_end = ep.length
    hist = [ep.frames(t, keys) for t in range(t_end - n_stack, t_end)]
    per_frame = [torch.cat([f[k] for k in keys], dim=-1) for f in hist]
    return torch.cat(per_frame, dim=-1)


def batches(episodes, keys, n_stack, bs, gen):
    perm = torch.randperm(len(episodes), generator=gen).tolist()
    for i in range(0, len(perm), bs):
        sel = [episodes[j] for j in perm[i:i + bs]]
        x = torch.stack([stacked_obs(ep, keys, n_stack) for ep in sel])
        y = torch.tensor([ep.success for ep in sel], dtype=torch.float32)
        yield x, y


class GraspSuccessNet(nn.Module):
    def __init__(self, obs_cfg, net_cfg):
        super().__init__()
        per_frame = sum(obs_cfg["dims"][k] for k in obs_cfg["keys"])
        in_features = per_frame * obs_cfg["frame_stack"]
        layers = []
        prev = in_features
        for width in net_cfg["hidden"]:
            layers += [nn.Linear(prev, width), nn.ReLU(), nn.Dropout(net_cfg["dropout"])]
            prev = width
        self.body = nn.Sequential(*layers)
        self.out = nn.Linear(prev, 1)

    def forward(self, x):
        return self.out(self.body(x)).squeeze(-1)


def run():
    torch.manual_seed(cfg["loop"]["seed"])
    rng = np.random.default_rng(cfg["loop"]["seed"])
    gen = torch.Generator().manual_seed(cfg["loop"]["seed"])
    episodes = [EpisodeLog(rng) for _ in range(cfg["loop"]["episodes"])]
    n_val = len(episodes) // 5
    val_eps, train_eps = episodes[:n_val], episodes[n_val:]
    pos_rate = np.mean([e.success for e in train_eps])
    print(f"train {len(train_eps)} val {len(val_eps)} success rate {pos_rate:.2f}")

    net = GraspSuccessNet(cfg["obs"], cfg["net"])
    opt = torch.optim.Adam(net.parameters(), **cfg["optim"])
    pos_weight = torch.tensor((1 - pos_rate) / max(pos_rate, 1e-3))
    keys, n_stack = cfg["obs"]["keys"], cfg["obs"]["frame_stack"]

    for epoch in range(cfg["loop"]["epochs"]):
        net.train()
        tot, n = 0.0, 0
        for x, y in batches(train_eps, keys, n_stack, cfg["loop"]["batch"], gen):
            logit = net(x)
            loss = F.binary_cross_entropy_with_logits(logit, y, pos_weight=pos_weight)
            opt.zero_grad()
            loss.backward()
            opt.step()
            tot += loss.item() * len(y)
            n += len(y)
        net.eval()
        with torch.no_grad():
            hits = sum(((net(x) > 0).float() == y).sum().item()
                       for x, y in batches(val_eps, keys, n_stack, 64, gen))
        print(f"epoch {epoch} train_loss {tot / n:.4f} val_acc {hits / len(val_eps):.3f}")


if __name__ == "__main__":
    run()
