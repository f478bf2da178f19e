from dataclasses import dataclass, field

import torch
import torch.nn as nn
from transformers import BertConfig, BertModel


@dataclass
class TrajCfg:
    context_len: int = 32
    n_joints: int = 6
    d_model: int = 32
    n_heads: int = 2
    n_layers: int = 1
    batch_size: int = 6
    steps: int = 20
    lr: float = 1e-3
    loss_w: dict = field(default_factory=lambda: {"joints": 1.0, "quat": 0.5})


def make_episode(g, cfg):
    T = int(torch.randint(12, cfg.context_len + 1, (1,), generator=g))
    t = torch.linspace(0, 1, T + 1)[:, None]
    freq = 0.5 + torch.rand(1, cfg.n_joints, generator=g)
    q = torch.sin(2 * torch.pi * freq * t) * 1.2
    half = 0.5 * q[:, :1]
    quat = torch.cat([torch.cos(half), torch.sin(half), torch.zeros_like(half), torch.zeros_like(half)], -1)
    goal = torch.randn(cfg.n_joints, generator=g) * 0.3
    return {"q": q[:-1], "quat": quat[:-1], "q_next": q[1:], "quat_next": quat[1:], "goal": goal}


def episode_stream(cfg, seed):
    g = torch.Generator().manual_seed(seed)
    while True:
        yield make_episode(g, cfg)


def collate(episodes, cfg):
    B, L = len(episodes), cfg.context_len
    obs = torch.zeros(B, L, cfg.n_joints + 4)
    tgt = torch.zeros(B, L, cfg.n_joints + 4)
    pad_mask = torch.zeros(B, L, dtype=torch.long)
    for i, ep in enumerate(episodes):
        n = ep["q"].shape[0]
        obs[i, :n] = torch.cat([ep["q"], ep["quat"]], -1)
        tgt[i, :n] = torch.cat([ep["q_next"], ep["quat_next"]], -1)
        pad_mask[i, :n] = 1
    goals = torch.stack([ep["goal"] for ep in episodes])
    return {"obs": obs, "target": tgt, "pad_mask": pad_mask, "goal": goals}


class ProprioTransformer(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        bert_cfg = BertConfig(
            vocab_size=4,
            hidden_size=cfg.d_model,
            num_hidden_layers=cfg.n_layers,
            num_attention_heads=cfg.n_heads,
            intermediate_size=cfg.d_model * 2,
            max_position_embeddings=cfg.context_len + 8,
        )
        self.backbone = BertModel(bert_cfg, add_pooling_layer=False)
        self.obs_proj = nn.Linear(cfg.n_joints + 4, cfg.d_model)
        self.goal_proj = nn.Linear(cfg.n_joints, cfg.d_model)
        self.joint_head = nn.Linear(cfg.d_model, cfg.n_joints)
        self.quat_head = nn.Linear(cfg.d_model, 4)

    def forward(self, obs, goal, pad_mask):
        tokens = self.obs_proj(obs)
        goal_tok = self.goal_proj(goal).unsqueeze(1)
        tokens = torch.cat([goal_tok, tokens], dim=1)
        out = self.backbone(inputs_embeds=tokens, attention_mask=pad_mask).last_hidden_state
        h = out[:, 1:]
        q_pred = self.joint_head(h)
        quat_pred = nn.functional.normalize(self.quat_head(h), dim=-1)
        return q_pred, quat_pred


def quat_loss(pred, target, mask):
    dot = (pred * target).sum(-1).abs().clamp(max=1.0)
    return ((1.0 - dot) * mask).sum() / mask.sum()


def train(cfg):
    torch.manual_seed(0)
    model = ProprioTransformer(cfg)
    opt = torch.optim.Adam(model.parameters(), lr=cfg.lr)
    stream = episode_stream(cfg, seed=7)
    for step in range(cfg.steps):
        batch = collate([next(stream) for _ in range(cfg.batch_size)], cfg)
        q_pred, quat_pred = model(batch["obs"], batch["goal"], batch["pad_mask"])
        m = batch["pad_mask"].float()
        q_tgt = batch["target"][..., : cfg.n_joints]
        quat_tgt = batch["target"][..., cfg.n_joints :]
        l_joint = (((q_pred - q_tgt) ** 2).mean(-1) * m).sum() / m.sum()
        l_quat = quat_loss(quat_pred, quat_tgt, m)
        loss = cfg.loss_w["joints"] * l_joint + cfg.loss_w["quat"] * l_quat
        opt.zero_grad()
        loss.backward()
        opt.step()
        if step % 5 == 0:
            print(f"step {step:3d} joint {l_joint.item():.4f} quat {l_quat.item():.4f}")
    return model


if __name__ == "__main__":
    train(TrajCfg())
