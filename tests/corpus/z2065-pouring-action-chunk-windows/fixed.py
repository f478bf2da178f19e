"""ACT-style action-chunk policy for a kettle-pouring task.

Demonstrations were logged with teleop at 10 Hz. Every episode stores the observation stream
(wrist-camera embedding + end-effector pose + gripper width) and the commanded actions
(delta EE pose + gripper command). The recorder also keeps the observation after the last command.
"""
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, Dataset

torch.manual_seed(7)

WRIST_DIM = 48
EE_DIM = 6
ACT_DIM = 7
CHUNK_LEN = 8


def record_fake_episode(n_cmds):
    """Stand-in for loading one teleop episode from disk."""
    ee = torch.cumsum(0.01 * torch.randn(n_cmds + 1, EE_DIM), dim=0)
    grip_w = torch.ones(n_cmds + 1, 1) * 0.08
    grip_w[n_cmds // 3 :] = 0.01  # closes on the kettle handle a third of the way in
    wrist = torch.randn(n_cmds + 1, WRIST_DIM)
    delta = ee[1:] - ee[:-1]
    grip_cmd = (grip_w[1:] < 0.05).float()
    return {
        "wrist_emb": wrist,
        "ee_pose": ee,
        "gripper_width": grip_w,
        "actions": torch.cat([delta, grip_cmd], dim=-1),
    }


class PouringChunks(Dataset):
    def __init__(self, episodes, chunk_len):
        self.episodes = episodes
        self.chunk_len = chunk_len
        self.windows = []
        for ep_idx, ep in enumerate(episodes):
            n_frames = ep["actions"].shape[0]
            for start in range(n_frames - chunk_len + 1):
                self.windows.append((ep_idx, start))

    def __len__(self):
        return len(self.windows)

    def __getitem__(self, i):
        ep_idx, start = self.windows[i]
        ep = self.episodes[ep_idx]
        obs = torch.cat([ep["wrist_emb"][start], ep["ee_pose"][start], ep["gripper_width"][start]])
        chunk = torch.stack([ep["actions"][start + k] for k in range(self.chunk_len)])
        return obs, chunk


class ChunkPolicy(nn.Module):
    def __init__(self, obs_dim, act_dim, chunk_len, hidden=96):
        super().__init__()
        self.chunk_len = chunk_len
        self.act_dim = act_dim
        self.backbone = nn.Sequential(
            nn.Linear(obs_dim, hidden), nn.ReLU(),
            nn.Linear(hidden, hidden), nn.ReLU(),
        )
        self.arm_head = nn.Linear(hidden, chunk_len * (act_dim - 1))
        self.grip_head = nn.Linear(hidden, chunk_len)

    def forward(self, obs):
        h = self.backbone(obs)
        arm = self.arm_head(h).view(-1, self.chunk_len, self.act_dim - 1)
        grip_logits = self.grip_head(h).view(-1, self.chunk_len, 1)
        return arm, grip_logits


def train(policy, loader, epochs=3):
    opt = torch.optim.Adam(policy.parameters(), lr=1e-3)
    bce = nn.BCEWithLogitsLoss()
    for ep in range(epochs):
        total, n = 0.0, 0
        for obs, chunk in loader:
            arm_pred, grip_logits = policy(obs)
            arm_loss = nn.functional.l1_loss(arm_pred, chunk[..., :-1])
            grip_loss = bce(grip_logits, chunk[..., -1:])
            loss = arm_loss + 0.1 * grip_loss
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item() * obs.shape[0]
            n += obs.shape[0]
        print(f"epoch {ep}  loss/sample {total / n:.4f}")


def main():
    episodes = [record_fake_episode(n) for n in (40, 52, 37, 45)]
    ds = PouringChunks(episodes, CHUNK_LEN)
    print(f"{len(episodes)} episodes -> {len(ds)} training windows")
    loader = DataLoader(ds, batch_size=16, shuffle=True)
    obs_dim = WRIST_DIM + EE_DIM + 1
    policy = ChunkPolicy(obs_dim, ACT_DIM, CHUNK_LEN)
    train(policy, loader)

    policy.eval()
    with torch.no_grad():
        first = episodes[0]
        obs0 = torch.cat([first["wrist_emb"][0], first["ee_pose"][0], first["gripper_width"][0]])
        arm, grip = policy(obs0.unsqueeze(0))
        print("first planned chunk gripper probs:", torch.sigmoid(grip).squeeze().tolist())


if __name__ == "__main__":
    main()
