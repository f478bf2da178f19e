import json
import os
from pathlib import Path

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import Dataset, DataLoader

DEMO_DIR = Path(__file__).resolve().parent / "demos"
N_EPISODES = 20
OBS_DIM = 7 + 1 + 3      # joint positions, gripper width, object xyz
ACT_DIM = 7 + 1          # joint velocity command, gripper command
HISTORY = 4


def record_demos(out_dir, n_episodes, seed=0):
    rng = np.random.default_rng(seed)
    out_dir.mkdir(exist_ok=True)
    manifest = {"episodes": [], "train": [], "val": []}
    for ep in range(n_episodes):
        T = int(rng.integers(40, 80))
        q = np.cumsum(rng.normal(0, 0.02, size=(T, 7)), axis=0)
        grip = np.clip(np.linspace(0.08, 0.0, T) + rng.normal(0, 0.002, T), 0, 0.08)
        obj = np.tile(rng.uniform([-0.3, -0.3, 0.0], [0.3, 0.3, 0.05]), (T, 1))
        dq = np.vstack([np.diff(q, axis=0), np.zeros((1, 7))]) * 20.0
        grip_cmd = (grip < 0.04).astype(np.float64)
        name = f"episode_{ep:03d}"
        np.savez(out_dir / f"{name}.npz",
                 joint_pos=q, gripper=grip, object_pos=obj,
                 joint_vel_cmd=dq, gripper_cmd=grip_cmd)
        manifest["episodes"].append({"name": name, "length": T, "success": bool(rng.random() < 0.8)})
        (manifest["val"] if ep % 5 == 4 else manifest["train"]).append(ep)
    with open(out_dir / "manifest.json", "w") as f:
        json.dump(manifest, f, indent=1)


def load_demo(path):
    d = np.load(path)
    obs = np.concatenate([d["joint_pos"], d["gripper"][:, None], d["object_pos"]], axis=1)
    act = np.concatenate([d["joint_vel_cmd"], d["gripper_cmd"][:, None]], axis=1)
    return obs.astype(np.float32), act.astype(np.float32)


class DemoWindowDataset(Dataset):
    def __init__(self, demo_dir, split, history=HISTORY, only_success=True):
        with open(demo_dir / "manifest.json") as f:
            manifest = json.load(f)
        info = {e["name"]: e for e in manifest["episodes"]}
        self.demos = {}
        for fname in sorted(os.listdir(demo_dir)):
            if fname.endswith(".npz"):
                self.demos[Path(fname).stem] = load_demo(demo_dir / fname)

        self.history = history
        self.index = []
        for ep_id in manifest[split]:
            key = f"episode_{ep_id:03d}"
            obs, act = self.demos[key]
            if only_success and not info[key]["success"]:
                continue
            for t in range(history - 1, len(obs)):
                self.index.append((key, t))

    def __len__(self):
        return len(self.index)

    def __getitem__(self, i):
        key, t = self.index[i]
        obs, act = self.demos[key]
        window = obs[t - self.history + 1:t + 1]
        return torch.from_numpy(window).flatten(), torch.from_numpy(act[t])


class BCPolicy(nn.Module):
    def __init__(self, obs_dim, act_dim, history, hidden=128):
        super().__init__()
        self.trunk = nn.Sequential(
            nn.Linear(obs_dim * history, hidden), nn.ReLU(),
            nn.Linear(hidden, hidden), nn.ReLU(),
        )
        self.joint_head = nn.Linear(hidden, act_dim - 1)
        self.grip_head = nn.Linear(hidden, 1)

    def forward(self, x):
        h = self.trunk(x)
        return self.joint_head(h), self.grip_head(h).squeeze(-1)


def train(policy, loader, epochs=3, lr=1e-3):
    opt = torch.optim.Adam(policy.parameters(), lr=lr)
    bce = nn.BCEWithLogitsLoss()
    for epoch in range(epochs):
        tot = 0.0
        for obs, act in loader:
            dq_pred, grip_logit = policy(obs)
            loss = nn.functional.mse_loss(dq_pred, act[:, :-1]) + 0.1 * bce(grip_logit, act[:, -1])
            opt.zero_grad()
            loss.backward()
            opt.step()
            tot += loss.item()
        print(f"epoch {epoch} bc loss {tot / len(loader):.4f}")


@torch.no_grad()
def validate(policy, loader):
    errs = []
    for obs, act in loader:
        dq_pred, _ = policy(obs)
        errs.append((dq_pred - act[:, :-1]).abs().mean().item())
    return float(np.mean(errs))


if __name__ == "__main__":
    torch.manual_seed(0)
    record_demos(DEMO_DIR, N_EPISODES)
    train_ds = DemoWindowDataset(DEMO_DIR, "train")
    val_ds = DemoWindowDataset(DEMO_DIR, "val")
    print(f"{len(train_ds)} train windows, {len(val_ds)} val windows")
    policy = BCPolicy(OBS_DIM, ACT_DIM, HISTORY)
    train(policy, DataLoader(train_ds, batch_size=64, shuffle=True))
    print("val joint-vel MAE:", validate(policy, DataLoader(val_ds, batch_size=64)))
