"""Goal-conditioned trajectory transformer for a mobile manipulator opening drawers.

Every demo is a variable-length sequence of (base pose, arm joints, ee force) frames
plus a one-hot goal saying which drawer (top/middle/bottom) should be opened.
A learned goal token is put in front of the frame tokens and the encoder predicts
the 6-d end-effector twist and the gripper command at every frame.
"""
import random

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.nn.utils.rnn import pad_sequence

random.seed(3)
torch.manual_seed(3)

DRAWERS = ["top", "middle", "bottom"]
FRAME_DIM = 3 + 7 + 6      # base (x, y, yaw) + arm joints + wrench
TWIST_DIM = 6
D_MODEL = 48


def make_episode(drawer_idx):
    T = random.randint(18, 40)
    t = torch.linspace(0, 1, T).unsqueeze(-1)
    frames = torch.cat([
        torch.randn(1, 3).expand(T, 3) + 0.05 * torch.randn(T, 3),
        torch.sin(t * (drawer_idx + 1) + torch.arange(7)),
        0.1 * torch.randn(T, 6),
    ], dim=-1)
    twist = 0.2 * torch.randn(T, TWIST_DIM)
    gripper = (t.squeeze(-1) > 0.5).float()
    return {"frames": frames, "twist": twist, "gripper": gripper, "drawer": drawer_idx}


def collate_episodes(batch):
    frames = pad_sequence([b["frames"] for b in batch], batch_first=True)
    twist = pad_sequence([b["twist"] for b in batch], batch_first=True)
    gripper = pad_sequence([b["gripper"] for b in batch], batch_first=True)
    lengths = torch.tensor([b["frames"].shape[0] for b in batch])
    horizon = frames.shape[1]
    pad_mask = torch.arange(horizon).unsqueeze(0) >= lengths.unsqueeze(1)
    drawer = torch.tensor([b["drawer"] for b in batch])
    return frames, twist, gripper, pad_mask, drawer


class DrawerPolicy(nn.Module):
    def __init__(self, max_frames=64):
        super().__init__()
        self.frame_proj = nn.Linear(FRAME_DIM, D_MODEL)
        self.goal_embed = nn.Embedding(len(DRAWERS), D_MODEL)
        self.time_embed = nn.Parameter(torch.zeros(1, max_frames + 1, D_MODEL))
        layer = nn.TransformerEncoderLayer(D_MODEL, nhead=4, dim_feedforward=96,
                                           dropout=0.1, batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, num_layers=2, enable_nested_tensor=False)
        self.twist_out = nn.Linear(D_MODEL, TWIST_DIM)
        self.grip_out = nn.Linear(D_MODEL, 1)

    def forward(self, frames, drawer, pad_mask):
        tokens = self.frame_proj(frames)
        goal = self.goal_embed(drawer).unsqueeze(1)
        seq = torch.cat([goal, tokens], dim=1)
        seq = seq + self.time_embed[:, : seq.shape[1]]
        goal_keep = torch.zeros_like(pad_mask[:, :1])
        enc = self.encoder(seq, src_key_padding_mask=torch.cat([goal_keep, pad_mask], dim=1))
        enc = enc[:, 1:]
        return self.twist_out(enc), self.grip_out(enc).squeeze(-1)


def masked_losses(pred_twist, pred_grip, twist, gripper, pad_mask):
    valid = (~pad_mask).float()
    twist_err = ((pred_twist - twist) ** 2).mean(-1)
    twist_loss = (twist_err * valid).sum() / valid.sum()
    grip_bce = F.binary_cross_entropy_with_logits(pred_grip, gripper, reduction="none")
    grip_loss = (grip_bce * valid).sum() / valid.sum()
    return twist_loss, grip_loss


def main():
    episodes = [make_episode(random.randrange(len(DRAWERS))) for _ in range(48)]
    policy = DrawerPolicy()
    optim = torch.optim.Adam(policy.parameters(), lr=1e-3)
    batch_size = 8

    for epoch in range(4):
        random.shuffle(episodes)
        policy.train()
        running = 0.0
        for i in range(0, len(episodes), batch_size):
            frames, twist, gripper, pad_mask, drawer = collate_episodes(episodes[i:i + batch_size])
            pred_twist, pred_grip = policy(frames, drawer, pad_mask)
            twist_loss, grip_loss = masked_losses(pred_twist, pred_grip, twist, gripper, pad_mask)
            loss = twist_loss + 0.3 * grip_loss
            optim.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(policy.parameters(), 1.0)
            optim.step()
            running += loss.item()
        print(f"epoch {epoch} loss {running / (len(episodes) // batch_size):.4f}")

    policy.eval()
    with torch.no_grad():
        frames, twist, gripper, pad_mask, drawer = collate_episodes(episodes[:4])
        _, grip_logits = policy(frames, drawer, pad_mask)
        closed = (grip_logits > 0) & ~pad_mask
        for k in range(4):
            print(DRAWERS[drawer[k]], "closed frames:", int(closed[k].sum()))


if __name__ == "__main__":
    main()
