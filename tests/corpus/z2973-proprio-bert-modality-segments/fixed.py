from dataclasses import dataclass, field

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, Dataset
from transformers import BertConfig, BertModel

CFG = {
    "sensors": {
        "joint_pos": {"dim": 7, "scale": 1.0},
        "joint_vel": {"dim": 7, "scale": 0.2},
        "ee_quat": {"dim": 4, "scale": 1.0},
        "wrench": {"dim": 6, "scale": 0.05},
    },
    "model": {"hidden": 32, "layers": 1, "heads": 2, "ffn": 64, "num_segments": 4, "max_pos": 64},
    "train": {"steps_per_ep": 8, "batch": 6, "epochs": 2, "lr": 1e-3, "n_episodes": 30},
}


@dataclass
class Episode:
    obs: dict
    grasp_ok: int
    meta: dict = field(default_factory=dict)


def random_quat(rng, n):
    q = rng.normal(size=(n, 4))
    q /= np.linalg.norm(q, axis=1, keepdims=True)
    q[q[:, 0] < 0] *= -1
    return q


def make_episode(rng, steps, sensors):
    obs = {
        "joint_pos": np.cumsum(rng.normal(scale=0.03, size=(steps, sensors["joint_pos"]["dim"])), axis=0),
        "joint_vel": rng.normal(scale=0.5, size=(steps, sensors["joint_vel"]["dim"])),
        "ee_quat": random_quat(rng, steps),
        "wrench": rng.normal(scale=10.0, size=(steps, sensors["wrench"]["dim"])),
    }
    ok = int(obs["wrench"][:, 2].mean() < 0)
    return Episode(obs={k: v.astype(np.float32) for k, v in obs.items()}, grasp_ok=ok)


class EpisodeDataset(Dataset):
    def __init__(self, episodes, sensors):
        self.episodes = episodes
        self.sensors = sensors

    def __len__(self):
        return len(self.episodes)

    def __getitem__(self, i):
        ep = self.episodes[i]
        out = {name: torch.from_numpy(ep.obs[name]) * spec["scale"] for name, spec in self.sensors.items()}
        out["label"] = torch.tensor(float(ep.grasp_ok))
        return out


class ProprioTokenizer(nn.Module):
    """One token per (timestep, sensor); segment id = sensor index."""

    def __init__(self, sensors, hidden):
        super().__init__()
        self.names = list(sensors)
        self.proj = nn.ModuleDict({n: nn.Linear(s["dim"], hidden) for n, s in sensors.items()})

    def forward(self, batch):
        toks, segs = [], []
        for seg_id, name in enumerate(self.names):
            x = self.proj[name](batch[name])
            toks.append(x)
            segs.append(torch.full(x.shape[:2], seg_id, dtype=torch.long))
        B, T, H = toks[0].shape
        emb = torch.stack(toks, dim=2).reshape(B, T * len(self.names), H)
        seg = torch.stack(segs, dim=2).reshape(B, T * len(self.names))
        return emb, seg


class GraspTransformer(nn.Module):
    def __init__(self, sensors, mcfg):
        super().__init__()
        self.tokenizer = ProprioTokenizer(sensors, mcfg["hidden"])
        bert_cfg = BertConfig(
            vocab_size=8,
            hidden_size=mcfg["hidden"],
            num_hidden_layers=mcfg["layers"],
            num_attention_heads=mcfg["heads"],
            intermediate_size=mcfg["ffn"],
            max_position_embeddings=mcfg["max_pos"],
            type_vocab_size=mcfg["num_segments"],
            hidden_dropout_prob=0.0,
            attention_probs_dropout_prob=0.0,
        )
        self.backbone = BertModel(bert_cfg, add_pooling_layer=False)
        self.cls = nn.Parameter(torch.zeros(1, 1, mcfg["hidden"]))
        self.head = nn.Linear(mcfg["hidden"], 1)

    def forward(self, batch):
        emb, seg = self.tokenizer(batch)
        B = emb.shape[0]
        emb = torch.cat([self.cls.expand(B, -1, -1), emb], dim=1)
        seg = torch.cat([torch.zeros(B, 1, dtype=torch.long), seg], dim=1)
        out = self.backbone(inputs_embeds=emb, token_type_ids=seg)
        return self.head(out.last_hidden_state[:, 0]).squeeze(-1)


def run():
    rng = np.random.default_rng(7)
    torch.manual_seed(7)
    sensors, mcfg, tcfg = CFG["sensors"], CFG["model"], CFG["train"]

    episodes = [make_episode(rng, tcfg["steps_per_ep"], sensors) for _ in range(tcfg["n_episodes"])]
    loader = DataLoader(EpisodeDataset(episodes, sensors), batch_size=tcfg["batch"], shuffle=True)

    model = GraspTransformer(sensors, mcfg)
    optim = torch.optim.Adam(model.parameters(), lr=tcfg["lr"])
    loss_fn = nn.BCEWithLogitsLoss()

    for epoch in range(tcfg["epochs"]):
        running = []
        for batch in loader:
            logits = model(batch)
            loss = loss_fn(logits, batch["label"])
            optim.zero_grad()
            loss.backward()
            optim.step()
            running.append(loss.item())
        print(f"epoch {epoch} loss {np.mean(running):.4f}")


if __name__ == "__main__":
    run()
