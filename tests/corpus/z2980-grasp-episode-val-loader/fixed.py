import math
import random

import torch
import torch.nn as nn
from torch.utils.data import DataLoader, Dataset

SETTINGS = {
    "data": {
        "n_train": 48,
        "n_val": 12,
        "min_steps": 20,
        "max_steps": 60,
        "n_joints": 7,
    },
    "model": {"hidden": 64, "dropout": 0.1},
    "train": {"epochs": 2, "batch_size": 8, "lr": 3e-4},
}


def random_quat(n, gen):
    q = torch.randn(n, 4, generator=gen)
    return q / q.norm(dim=-1, keepdim=True)


def synth_episode(gen, cfg):
    T = int(torch.randint(cfg["min_steps"], cfg["max_steps"] + 1, (1,), generator=gen))
    t = torch.linspace(0, 1, T).unsqueeze(-1)
    phase = torch.rand(1, cfg["n_joints"], generator=gen) * 2 * math.pi
    joints = torch.sin(2 * math.pi * t + phase) * 0.8
    ee_quat = random_quat(T, gen)
    gripper = torch.clamp(torch.cumsum(torch.rand(T, 1, generator=gen) * 0.05, 0), 0, 1)
    success = float(joints[-1].abs().mean() < 0.5)
    return {
        "joint_pos": joints,
        "ee_quat": ee_quat,
        "gripper": gripper,
        "success": torch.tensor(success),
    }


class GraspEpisodes(Dataset):
    def __init__(self, n, cfg, seed):
        gen = torch.Generator().manual_seed(seed)
        self.episodes = [synth_episode(gen, cfg) for _ in range(n)]

    def __len__(self):
        return len(self.episodes)

    def __getitem__(self, idx):
        ep = self.episodes[idx]
        obs = torch.cat([ep["joint_pos"], ep["ee_quat"], ep["gripper"]], dim=-1)
        return {"obs": obs, "success": ep["success"]}


def pad_episodes(items):
    lengths = torch.tensor([it["obs"].shape[0] for it in items])
    T = int(lengths.max())
    D = items[0]["obs"].shape[-1]
    obs = torch.zeros(len(items), T, D)
    for i, it in enumerate(items):
        obs[i, : it["obs"].shape[0]] = it["obs"]
    valid = torch.arange(T)[None, :] < lengths[:, None]
    return {
        "obs": obs,
        "valid": valid,
        "success": torch.stack([it["success"] for it in items]),
    }


class GraspSuccessNet(nn.Module):
    def __init__(self, obs_dim, hidden, dropout):
        super().__init__()
        self.encoder = nn.Sequential(
            nn.Linear(obs_dim, hidden),
            nn.GELU(),
            nn.Dropout(dropout),
            nn.Linear(hidden, hidden),
        )
        self.head = nn.Linear(hidden, 1)

    def forward(self, obs, valid):
        h = self.encoder(obs)
        w = valid.unsqueeze(-1).float()
        pooled = (h * w).sum(1) / w.sum(1).clamp(min=1.0)
        return self.head(pooled).squeeze(-1)


def run_epoch(model, loader, optim=None):
    training = optim is not None
    model.train(training)
    total, correct, n = 0.0, 0, 0
    for batch in loader:
        with torch.set_grad_enabled(training):
            logits = model(batch["obs"], batch["valid"])
            loss = nn.functional.binary_cross_entropy_with_logits(logits, batch["success"])
        if training:
            optim.zero_grad()
            loss.backward()
            optim.step()
        total += loss.item() * len(logits)
        correct += ((logits > 0).float() == batch["success"]).sum().item()
        n += len(logits)
    return total / n, correct / n


def main():
    random.seed(0)
    torch.manual_seed(0)
    dcfg, mcfg, tcfg = SETTINGS["data"], SETTINGS["model"], SETTINGS["train"]

    train_set = GraspEpisodes(dcfg["n_train"], dcfg, seed=1)
    val_set = GraspEpisodes(dcfg["n_val"], dcfg, seed=2)

    train_loader = DataLoader(
        train_set, batch_size=tcfg["batch_size"], shuffle=True, collate_fn=pad_episodes
    )
    val_loader = DataLoader(val_set, batch_size=tcfg["batch_size"], shuffle=False, collate_fn=pad_episodes)

    obs_dim = dcfg["n_joints"] + 4 + 1
    model = GraspSuccessNet(obs_dim, mcfg["hidden"], mcfg["dropout"])
    optim = torch.optim.AdamW(model.parameters(), lr=tcfg["lr"])

    for epoch in range(tcfg["epochs"]):
        tr_loss, tr_acc = run_epoch(model, train_loader, optim)
        va_loss, va_acc = run_epoch(model, val_loader)
        print(
            f"epoch {epoch}: train loss {tr_loss:.4f} acc {tr_acc:.2f} | "
            f"val loss {va_loss:.4f} acc {va_acc:.2f}"
        )


if __name__ == "__main__":
    main()
