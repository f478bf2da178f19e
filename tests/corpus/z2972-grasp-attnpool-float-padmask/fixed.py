import math
import random

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)
random.seed(0)

SETTINGS = {
    "robot": {"n_joints": 7, "wrist_ft_dim": 6},
    "data": {"n_episodes": 48, "min_len": 12, "max_len": 40},
    "model": {"d_model": 32, "n_heads": 2, "n_layers": 1},
    "train": {"epochs": 2, "batch_size": 8, "lr": 3e-4},
}


def quat_normalize(q):
    return q / q.norm(dim=-1, keepdim=True).clamp_min(1e-8)


def synth_episode(rng_len, n_joints, ft_dim):
    T = rng_len
    q = torch.cumsum(0.05 * torch.randn(T, n_joints), dim=0)
    dq = torch.diff(q, dim=0, prepend=q[:1])
    ee_quat = quat_normalize(torch.randn(T, 4))
    ee_pos = torch.cumsum(0.01 * torch.randn(T, 3), dim=0)
    wrench = torch.randn(T, ft_dim)
    gripper = torch.sigmoid(torch.linspace(-3, 3, T)).unsqueeze(-1)
    success = float(wrench[-5:, 2].mean() > 0.0)
    return {
        "joint_pos": q,
        "joint_vel": dq,
        "ee_pos": ee_pos,
        "ee_quat": ee_quat,
        "wrench": wrench,
        "gripper": gripper,
        "success": success,
    }


OBS_KEYS = ["joint_pos", "joint_vel", "ee_pos", "ee_quat", "wrench", "gripper"]


def flatten_obs(ep):
    return torch.cat([ep[k] for k in OBS_KEYS], dim=-1)


def make_batches(episodes, batch_size):
    idx = list(range(len(episodes)))
    random.shuffle(idx)
    for start in range(0, len(idx), batch_size):
        chunk = [episodes[i] for i in idx[start:start + batch_size]]
        feats = [flatten_obs(ep) for ep in chunk]
        lengths = [f.shape[0] for f in feats]
        T = max(lengths)
        D = feats[0].shape[-1]
        obs = torch.zeros(len(chunk), T, D)
        pad_mask = torch.zeros(len(chunk), T, dtype=torch.bool)
        for b, (f, n) in enumerate(zip(feats, lengths)):
            obs[b, :n] = f
            pad_mask[b, n:] = 1
        labels = torch.tensor([ep["success"] for ep in chunk])
        yield {"obs": obs, "pad_mask": pad_mask, "labels": labels, "lengths": torch.tensor(lengths)}


class SinusoidalTime(nn.Module):
    def __init__(self, d_model, max_len=512):
        super().__init__()
        pe = torch.zeros(max_len, d_model)
        pos = torch.arange(max_len).unsqueeze(1).float()
        div = torch.exp(torch.arange(0, d_model, 2).float() * (-math.log(10000.0) / d_model))
        pe[:, 0::2] = torch.sin(pos * div)
        pe[:, 1::2] = torch.cos(pos * div)
        self.register_buffer("pe", pe)

    def forward(self, x):
        return x + self.pe[: x.shape[1]].unsqueeze(0)


class GraspSuccessNet(nn.Module):
    def __init__(self, obs_dim, d_model, n_heads, n_layers):
        super().__init__()
        self.proj = nn.Sequential(nn.Linear(obs_dim, d_model), nn.GELU(), nn.LayerNorm(d_model))
        self.time = SinusoidalTime(d_model)
        layer = nn.TransformerEncoderLayer(d_model, n_heads, dim_feedforward=2 * d_model,
                                           dropout=0.0, batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, n_layers, enable_nested_tensor=False)
        self.pool_query = nn.Linear(d_model, 1)
        self.head = nn.Linear(d_model, 1)

    def forward(self, obs, pad_mask):
        h = self.time(self.proj(obs))
        h = self.encoder(h, src_key_padding_mask=pad_mask)
        scores = self.pool_query(h).squeeze(-1)
        scores = scores.masked_fill(pad_mask, float("-inf"))
        weights = torch.softmax(scores, dim=-1)
        pooled = torch.einsum("bt,btd->bd", weights, h)
        return self.head(pooled).squeeze(-1)


def main():
    rcfg, dcfg, mcfg, tcfg = (SETTINGS[k] for k in ("robot", "data", "model", "train"))
    episodes = [
        synth_episode(random.randint(dcfg["min_len"], dcfg["max_len"]), rcfg["n_joints"], rcfg["wrist_ft_dim"])
        for _ in range(dcfg["n_episodes"])
    ]
    split = int(0.8 * len(episodes))
    train_eps, val_eps = episodes[:split], episodes[split:]

    obs_dim = flatten_obs(episodes[0]).shape[-1]
    model = GraspSuccessNet(obs_dim, mcfg["d_model"], mcfg["n_heads"], mcfg["n_layers"])
    opt = torch.optim.AdamW(model.parameters(), lr=tcfg["lr"])

    for epoch in range(tcfg["epochs"]):
        model.train()
        total, count = 0.0, 0
        for batch in make_batches(train_eps, tcfg["batch_size"]):
            logits = model(batch["obs"], batch["pad_mask"])
            loss = F.binary_cross_entropy_with_logits(logits, batch["labels"])
            opt.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            total += loss.item() * len(batch["labels"])
            count += len(batch["labels"])

        model.eval()
        correct, n_val = 0, 0
        with torch.no_grad():
            for batch in make_batches(val_eps, tcfg["batch_size"]):
                pred = (model(batch["obs"], batch["pad_mask"]) > 0).float()
                correct += (pred == batch["labels"]).sum().item()
                n_val += len(batch["labels"])
        print(f"epoch {epoch}: train_loss={total / count:.4f} val_acc={correct / n_val:.3f}")


if __name__ == "__main__":
    main()
