"""Drawer-opening policy with discretized actions (RT-1 style per-dimension action bins).

Observations: 7 joint angles + gripper aperture + pooled features from an overhead and a wrist camera.
Actions: 6-d end-effector twist (normalized by the teleop limits) + binary gripper command (-1 close, +1 open).
Each action dimension is classified into one of NUM_BINS bins and trained with cross-entropy.
"""
import numpy as np
import torch
import torch.nn as nn

torch.manual_seed(3)
rng = np.random.default_rng(3)

NUM_BINS = 32
ACT_DIM = 7
PROPRIO_DIM = 8
OVERHEAD_DIM = 40
WRIST_DIM = 40
TWIST_LIMIT = np.array([0.05, 0.05, 0.05, 0.3, 0.3, 0.3])  # m/s, rad/s used by the teleop interface


def synth_drawer_demos(n_demos, horizon):
    demos = []
    for _ in range(n_demos):
        q = np.cumsum(rng.normal(0, 0.02, size=(horizon, 7)), axis=0)
        aperture = np.where(np.arange(horizon) < horizon // 2, 0.08, 0.02)[:, None]
        twist = rng.normal(0, 1, size=(horizon, 6)) * TWIST_LIMIT * 0.6
        twist[horizon // 2 :, 0] = -0.04  # pull along -x once the handle is grasped
        grip_cmd = np.where(np.arange(horizon) < horizon // 2 - 1, 1.0, -1.0)[:, None]
        demos.append({
            "proprio": np.concatenate([q, aperture], axis=1).astype(np.float32),
            "overhead": rng.normal(size=(horizon, OVERHEAD_DIM)).astype(np.float32),
            "wrist": rng.normal(size=(horizon, WRIST_DIM)).astype(np.float32),
            "twist": twist.astype(np.float32),
            "grip_cmd": grip_cmd.astype(np.float32),
        })
    return demos


def normalize_actions(twist, grip_cmd):
    twist_n = np.clip(twist / TWIST_LIMIT, -1.0, 1.0)
    return np.concatenate([twist_n, grip_cmd], axis=1)


def make_tokenizer(num_bins):
    bin_edges = torch.linspace(-1.0, 1.0, num_bins + 1)
    bin_centers = 0.5 * (bin_edges[:-1] + bin_edges[1:])

    def to_tokens(actions):
        return torch.bucketize(actions, bin_edges)

    def to_actions(tokens):
        return bin_centers[tokens]

    return to_tokens, to_actions


class BinnedPolicy(nn.Module):
    def __init__(self, hidden=128):
        super().__init__()
        self.cam_proj = nn.Linear(OVERHEAD_DIM + WRIST_DIM, 64)
        self.trunk = nn.Sequential(
            nn.Linear(64 + PROPRIO_DIM, hidden), nn.ReLU(),
            nn.Linear(hidden, hidden), nn.ReLU(),
        )
        self.bin_head = nn.Linear(hidden, ACT_DIM * NUM_BINS)

    def forward(self, proprio, overhead, wrist):
        cam = torch.relu(self.cam_proj(torch.cat([overhead, wrist], dim=-1)))
        h = self.trunk(torch.cat([cam, proprio], dim=-1))
        return self.bin_head(h).view(-1, ACT_DIM, NUM_BINS)


def main():
    demos = synth_drawer_demos(n_demos=5, horizon=30)
    proprio = torch.from_numpy(np.concatenate([d["proprio"] for d in demos]))
    overhead = torch.from_numpy(np.concatenate([d["overhead"] for d in demos]))
    wrist = torch.from_numpy(np.concatenate([d["wrist"] for d in demos]))
    act = np.concatenate([normalize_actions(d["twist"], d["grip_cmd"]) for d in demos])
    act = torch.from_numpy(act.astype(np.float32))

    to_tokens, to_actions = make_tokenizer(NUM_BINS)
    act_tokens = to_tokens(act)
    print("dataset:", proprio.shape[0], "steps, action tokens", tuple(act_tokens.shape))

    policy = BinnedPolicy()
    opt = torch.optim.Adam(policy.parameters(), lr=5e-4)
    ce = nn.CrossEntropyLoss()
    n = proprio.shape[0]
    for epoch in range(4):
        perm = torch.randperm(n)
        epoch_loss = 0.0
        for s in range(0, n, 25):
            idx = perm[s : s + 25]
            logits = policy(proprio[idx], overhead[idx], wrist[idx])
            loss = ce(logits.reshape(-1, NUM_BINS), act_tokens[idx].reshape(-1))
            opt.zero_grad()
            loss.backward()
            opt.step()
            epoch_loss += loss.item()
        print(f"epoch {epoch}: ce {epoch_loss:.3f}")

    with torch.no_grad():
        pred_tokens = policy(proprio[:5], overhead[:5], wrist[:5]).argmax(-1)
        decoded = to_actions(pred_tokens)
        print("decoded gripper cmds for first steps:", decoded[:, -1].tolist())


if __name__ == "__main__":
    main()
