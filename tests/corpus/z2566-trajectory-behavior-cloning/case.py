import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.nn.utils.rnn import pad_sequence
from torch.utils.data import DataLoader, Dataset

SEED = 3
N_DEMOS = 48
OBS_DIM = 10          # ee pos (3) + ee quat (4) + gripper width (1) + object xy (2)
N_BINS = 21           # discretised delta-z per step, [-1, 1] cm
MIN_LEN, MAX_LEN = 35, 90
HIDDEN = 64
BATCH = 8
EPOCHS = 2
IGNORE = -100

rng = np.random.default_rng(SEED)
torch.manual_seed(SEED)


def record_demo(length):
    t = np.linspace(0, 1, length)
    approach = np.clip(1.0 - 2.0 * t, 0, None)
    lift = np.clip(2.0 * t - 1.2, 0, None)
    z = 0.3 * approach + 0.25 * lift + rng.normal(0, 0.004, length)
    xyz = np.stack([0.4 + 0.05 * t, -0.1 + 0.02 * t, z], axis=1)
    quat = np.tile([1.0, 0.0, 0.0, 0.0], (length, 1)) + rng.normal(0, 0.01, (length, 4))
    grip = np.where(t > 0.55, 0.0, 0.08)[:, None]
    obj = np.tile(rng.uniform(-0.2, 0.2, 2), (length, 1))
    obs = np.concatenate([xyz, quat, grip, obj], axis=1).astype(np.float32)
    dz = np.diff(z, append=z[-1]) * 100.0
    act = np.digitize(np.clip(dz, -1, 1), np.linspace(-1, 1, N_BINS - 1))
    return obs, act.astype(np.int64)


class DemoBuffer(Dataset):
    def __init__(self, n):
        self.demos = [record_demo(int(rng.integers(MIN_LEN, MAX_LEN))) for _ in range(n)]

    def __len__(self):
        return len(self.demos)

    def __getitem__(self, i):
        obs, act = self.demos[i]
        return {"obs": torch.from_numpy(obs), "act": torch.from_numpy(act)}


def collate_demos(batch):
    obs = pad_sequence([b["obs"] for b in batch], batch_first=True)
    act = pad_sequence([b["act"] for b in batch], batch_first=True, padding_value=IGNORE)
    lengths = torch.tensor([len(b["act"]) for b in batch])
    return obs, act, lengths


class GRUPolicy(nn.Module):
    def __init__(self):
        super().__init__()
        self.enc = nn.Sequential(nn.Linear(OBS_DIM, HIDDEN), nn.ReLU())
        self.rnn = nn.GRU(HIDDEN, HIDDEN, batch_first=True)
        self.head = nn.Linear(HIDDEN, N_BINS)

    def forward(self, obs, lengths):
        h = self.enc(obs)
        packed = nn.utils.rnn.pack_padded_sequence(
            h, lengths, batch_first=True, enforce_sorted=False)
        out, _ = self.rnn(packed)
        out, _ = nn.utils.rnn.pad_packed_sequence(
            out, batch_first=True, total_length=obs.size(1))
        return self.head(out)


def bc_loss(logits, act):
    return F.cross_entropy(logits, act, ignore_index=IGNORE)


def step_accuracy(logits, act):
    valid = act != IGNORE
    pred = logits.argmax(-1)
    return (pred[valid] == act[valid]).float().mean().item()


def run():
    buf = DemoBuffer(N_DEMOS)
    loader = DataLoader(buf, batch_size=BATCH, shuffle=True, collate_fn=collate_demos)
    policy = GRUPolicy()
    opt = torch.optim.Adam(policy.parameters(), lr=2e-3)

    for epoch in range(EPOCHS):
        tot_loss, tot_acc, n = 0.0, 0.0, 0
        for obs, act, lengths in loader:
            logits = policy(obs, lengths)
            loss = bc_loss(logits, act)
            opt.zero_grad()
            loss.backward()
            opt.step()
            tot_loss += loss.item()
            tot_acc += step_accuracy(logits.detach(), act)
            n += 1
        print(f"epoch {epoch}: bc nll {tot_loss / n:.3f}  step acc {tot_acc / n:.3f}")


if __name__ == "__main__":
    run()
