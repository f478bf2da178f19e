import math
import random

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import Dataset, DataLoader

SEED = 7
random.seed(SEED)
np.random.seed(SEED)
torch.manual_seed(SEED)

CFG = {
    "min_obs": 8,
    "max_obs": 20,
    "pred_len": 12,
    "num_modes": 6,
    "d_model": 64,
    "n_heads": 4,
    "n_layers": 2,
    "dt": 0.1,
    "batch_size": 16,
    "lr": 3e-4,
    "epochs": 2,
}


def simulate_agent(num_obs, pred_len, dt):
    """Constant-turn-rate-and-velocity rollout with some jitter, agent-centric frame."""
    v = np.random.uniform(2.0, 14.0)
    yaw = np.random.uniform(-math.pi, math.pi)
    yaw_rate = np.random.normal(0.0, 0.15)
    x, y = 0.0, 0.0
    states = []
    for _ in range(num_obs + pred_len):
        x += v * math.cos(yaw) * dt
        y += v * math.sin(yaw) * dt
        yaw += yaw_rate * dt
        v = max(0.0, v + np.random.normal(0.0, 0.2))
        states.append([x, y, v * math.cos(yaw), v * math.sin(yaw), yaw])
    states = np.asarray(states, dtype=np.float32)
    # normalise to the last observed position
    states[:, :2] -= states[num_obs - 1, :2]
    return states[:num_obs], states[num_obs:, :2]


class AgentHistoryDataset(Dataset):
    def __init__(self, n_agents, cfg):
        self.samples = []
        for _ in range(n_agents):
            n_obs = random.randint(cfg["min_obs"], cfg["max_obs"])
            hist, fut = simulate_agent(n_obs, cfg["pred_len"], cfg["dt"])
            self.samples.append((torch.from_numpy(hist), torch.from_numpy(fut)))

    def __len__(self):
        return len(self.samples)

    def __getitem__(self, idx):
        return self.samples[idx]


def collate_tracks(batch):
    hists, futs = zip(*batch)
    lengths = torch.tensor([h.shape[0] for h in hists])
    max_len = int(lengths.max())
    feat_dim = hists[0].shape[1]
    padded = torch.zeros(len(hists), max_len, feat_dim)
    for i, h in enumerate(hists):
        # right-align so the most recent frame is always at the end
        padded[i, max_len - h.shape[0]:] = h
    return padded, lengths, torch.stack(futs)


def history_padding_mask(lengths, max_len):
    idx = torch.arange(max_len).unsqueeze(0)
    start = (max_len - lengths).unsqueeze(1)
    return idx < start  # True = padded frame


class MultiModalTrajectoryTransformer(nn.Module):
    def __init__(self, cfg, in_dim=5):
        super().__init__()
        self.cfg = cfg
        d = cfg["d_model"]
        self.input_proj = nn.Sequential(nn.Linear(in_dim, d), nn.ReLU(), nn.Linear(d, d))
        self.time_embed = nn.Embedding(cfg["max_obs"], d)
        self.mode_queries = nn.Parameter(torch.randn(cfg["num_modes"], d) * 0.02)
        layer = nn.TransformerEncoderLayer(d, cfg["n_heads"], dim_feedforward=2 * d,
                                           dropout=0.1, batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, cfg["n_layers"])
        self.traj_head = nn.Linear(d, cfg["pred_len"] * 2)
        self.score_head = nn.Linear(d, 1)

    def forward(self, hist, pad_mask):
        B, T, _ = hist.shape
        t_idx = torch.arange(T, device=hist.device)
        tokens = self.input_proj(hist) + self.time_embed(t_idx)[None]
        queries = self.mode_queries.unsqueeze(0).expand(B, -1, -1)
        seq = torch.cat([queries, tokens], dim=1)
        enc = self.encoder(seq, src_key_padding_mask=pad_mask)
        mode_feats = enc[:, : self.cfg["num_modes"]]
        trajs = self.traj_head(mode_feats).view(B, self.cfg["num_modes"], self.cfg["pred_len"], 2)
        trajs = trajs.cumsum(dim=2)
        logits = self.score_head(mode_feats).squeeze(-1)
        return trajs, logits


def wta_loss(pred_trajs, mode_logits, gt_future):
    # winner-takes-all on ADE + classification of the best mode
    err = (pred_trajs - gt_future[:, None]).norm(dim=-1).mean(dim=-1)  # (B, K)
    best = err.argmin(dim=1)
    reg = err.gather(1, best[:, None]).mean()
    cls = nn.functional.cross_entropy(mode_logits, best)
    return reg + 0.5 * cls, err.min(dim=1).values.mean()


def train():
    ds = AgentHistoryDataset(160, CFG)
    loader = DataLoader(ds, batch_size=CFG["batch_size"], shuffle=True, collate_fn=collate_tracks)
    model = MultiModalTrajectoryTransformer(CFG)
    opt = torch.optim.AdamW(model.parameters(), lr=CFG["lr"])

    for epoch in range(CFG["epochs"]):
        model.train()
        running, running_ade = 0.0, 0.0
        for step, (hist, lengths, fut) in enumerate(loader):
            pad_mask = history_padding_mask(lengths, hist.shape[1])
            trajs, logits = model(hist, pad_mask)
            loss, min_ade = wta_loss(trajs, logits, fut)
            opt.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            running += loss.item()
            running_ade += min_ade.item()
        n = step + 1
        print(f"epoch {epoch}: loss={running / n:.3f} minADE={running_ade / n:.3f}")


if __name__ == "__main__":
    train()
