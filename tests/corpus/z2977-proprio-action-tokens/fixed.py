import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from transformers import BertConfig, BertModel

SETTINGS = {
    "robot": {"n_joints": 7, "joint_limits": (-2.9, 2.9)},
    "data": {"n_episodes": 48, "horizon": 24, "seed": 3},
    "tokenizer": {"n_action_bins": 64},
    "model": {"d_model": 32, "layers": 1, "heads": 2, "ffn": 64},
    "train": {"batch_size": 8, "epochs": 2, "lr": 5e-4},
}


def random_unit_quat(rng, n):
    q = rng.normal(size=(n, 4)).astype(np.float32)
    q /= np.linalg.norm(q, axis=-1, keepdims=True)
    q[q[:, 0] < 0] *= -1
    return q


def synth_episode(rng, horizon, n_joints, limits):
    lo, hi = limits
    start = rng.uniform(lo * 0.5, hi * 0.5, size=n_joints)
    goal = rng.uniform(lo * 0.5, hi * 0.5, size=n_joints)
    alphas = np.linspace(0, 1, horizon + 1)[:, None]
    traj = (1 - alphas) * start + alphas * goal + rng.normal(0, 0.01, size=(horizon + 1, n_joints))
    qpos = traj[:-1].astype(np.float32)
    qvel = np.diff(traj, axis=0).astype(np.float32)
    return {
        "qpos": qpos,
        "qvel": qvel,
        "ee_quat": random_unit_quat(rng, horizon),
        "gripper": rng.uniform(0, 1, size=(horizon, 1)).astype(np.float32),
        "action": qvel[:, 0].copy(),
    }


def discretize(actions, n_bins, max_abs):
    clipped = np.clip(actions, -max_abs, max_abs)
    return np.round((clipped + max_abs) / (2 * max_abs) * (n_bins - 1)).astype(np.int64)


def build_batches(episodes, batch_size, n_bins, max_abs):
    order = np.random.permutation(len(episodes))
    for start in range(0, len(order), batch_size):
        idx = order[start:start + batch_size]
        chunk = [episodes[i] for i in idx]
        obs = {k: torch.from_numpy(np.stack([ep[k] for ep in chunk])) for k in ("qpos", "qvel", "ee_quat", "gripper")}
        acts = np.stack([ep["action"] for ep in chunk])
        yield obs, torch.from_numpy(discretize(acts, n_bins, max_abs))


class ProprioPolicy(nn.Module):
    def __init__(self, settings):
        super().__init__()
        nj = settings["robot"]["n_joints"]
        m = settings["model"]
        self.obs_dim = nj + nj + 4 + 1
        self.embed = nn.Linear(self.obs_dim, m["d_model"])
        cfg = BertConfig(
            vocab_size=8,
            hidden_size=m["d_model"],
            num_hidden_layers=m["layers"],
            num_attention_heads=m["heads"],
            intermediate_size=m["ffn"],
            max_position_embeddings=settings["data"]["horizon"] + 8,
            hidden_dropout_prob=0.0,
            attention_probs_dropout_prob=0.0,
        )
        self.encoder = BertModel(cfg, add_pooling_layer=False)
        self.action_head = nn.Linear(m["d_model"], settings["tokenizer"]["n_action_bins"])

    def forward(self, obs):
        tokens = torch.cat([obs["qpos"], obs["qvel"], obs["ee_quat"], obs["gripper"]], dim=-1)
        h = self.encoder(inputs_embeds=self.embed(tokens)).last_hidden_state
        return self.action_head(h)


def main():
    torch.manual_seed(0)
    np.random.seed(SETTINGS["data"]["seed"])
    rng = np.random.default_rng(SETTINGS["data"]["seed"])
    episodes = [
        synth_episode(rng, SETTINGS["data"]["horizon"], SETTINGS["robot"]["n_joints"], SETTINGS["robot"]["joint_limits"])
        for _ in range(SETTINGS["data"]["n_episodes"])
    ]
    max_abs = float(np.percentile(np.abs(np.concatenate([ep["action"] for ep in episodes])), 99))
    n_bins = SETTINGS["tokenizer"]["n_action_bins"]

    policy = ProprioPolicy(SETTINGS)
    opt = torch.optim.Adam(policy.parameters(), lr=SETTINGS["train"]["lr"])

    for epoch in range(SETTINGS["train"]["epochs"]):
        losses = []
        for obs, target_bins in build_batches(episodes, SETTINGS["train"]["batch_size"], n_bins, max_abs):
            logits = policy(obs)
            loss = F.cross_entropy(logits.transpose(1, 2), target_bins)
            opt.zero_grad()
            loss.backward()
            opt.step()
            losses.append(loss.item())
        print(f"epoch {epoch}: nll {np.mean(losses):.3f}")

    with torch.no_grad():
        obs, target_bins = next(build_batches(episodes, 4, n_bins, max_abs))
        pred = policy(obs).argmax(-1)
        print("bin accuracy", (pred == target_bins).float().mean().item())


if __name__ == "__main__":
    main()
