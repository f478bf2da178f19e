from dataclasses import dataclass, field

import numpy as np
import torch
import torch.nn as nn
from transformers import BertConfig, BertModel

AGENT_CLASSES = ["vehicle", "pedestrian", "cyclist"]
LANE_TYPE_ID = len(AGENT_CLASSES)


@dataclass
class SceneEncoderConfig:
    max_agents: int = 12
    max_lanes: int = 16
    hist_steps: int = 10
    lane_points: int = 8
    pred_steps: int = 12
    d_model: int = 64
    n_layers: int = 2
    n_heads: int = 4
    seed: int = 3
    class_counts: dict = field(default_factory=lambda: {"vehicle": 8, "pedestrian": 3, "cyclist": 1})

    @property
    def seq_len(self):
        return self.max_agents + self.max_lanes


def sample_scene(cfg, rng):
    """Synthetic scene: agent track histories (x, y, vx, vy) and lane centerline polylines."""
    n_agents = min(cfg.max_agents, sum(cfg.class_counts.values()))
    classes = np.concatenate([np.full(c, AGENT_CLASSES.index(k))
                              for k, c in cfg.class_counts.items()])[:n_agents]
    start = rng.uniform(-40, 40, size=(n_agents, 1, 2))
    vel = rng.normal(0, 3, size=(n_agents, 1, 2))
    vel[classes == 0] *= 4
    t = np.arange(cfg.hist_steps + cfg.pred_steps).reshape(1, -1, 1) * 0.1
    pos = start + vel * t
    tracks = np.concatenate([pos, np.broadcast_to(vel, pos.shape)], axis=-1)

    lane_x = np.linspace(-50, 50, cfg.lane_points)
    lanes = []
    for j in range(cfg.max_lanes):
        offset = (j - cfg.max_lanes / 2) * 3.5
        curv = rng.normal(0, 1e-3)
        lanes.append(np.stack([lane_x, offset + curv * lane_x ** 2], axis=-1))
    return tracks.astype(np.float32), classes, np.stack(lanes).astype(np.float32)


def vectorize(cfg, tracks, classes, lanes):
    """Flatten each agent history / lane polyline into one token vector, plus its type id."""
    n_agents = tracks.shape[0]
    hist = tracks[:, :cfg.hist_steps]
    agent_feat = np.zeros((cfg.max_agents, cfg.hist_steps * 4), dtype=np.float32)
    agent_feat[:n_agents] = hist.reshape(n_agents, -1)
    lane_feat = lanes.reshape(cfg.max_lanes, -1)

    agent_types = np.zeros(cfg.max_agents, dtype=np.int64)
    agent_types[:n_agents] = classes
    lane_types = np.full(cfg.max_lanes, LANE_TYPE_ID, dtype=np.int64)

    mask = np.zeros(cfg.seq_len, dtype=np.int64)
    mask[:n_agents] = 1
    mask[cfg.max_agents:] = 1

    future = np.zeros((cfg.max_agents, cfg.pred_steps, 2), dtype=np.float32)
    future[:n_agents] = tracks[:, cfg.hist_steps:, :2] - tracks[:, cfg.hist_steps - 1:cfg.hist_steps, :2]
    return agent_feat, lane_feat, np.concatenate([agent_types, lane_types]), mask, future


class SceneTransformer(nn.Module):
    def __init__(self, cfg: SceneEncoderConfig):
        super().__init__()
        self.cfg = cfg
        self.agent_proj = nn.Sequential(nn.Linear(cfg.hist_steps * 4, cfg.d_model), nn.GELU())
        self.lane_proj = nn.Sequential(nn.Linear(cfg.lane_points * 2, cfg.d_model), nn.GELU())
        bert_cfg = BertConfig(
            vocab_size=4,
            hidden_size=cfg.d_model,
            num_hidden_layers=cfg.n_layers,
            num_attention_heads=cfg.n_heads,
            intermediate_size=cfg.d_model * 2,
            max_position_embeddings=cfg.seq_len,
            type_vocab_size=len(AGENT_CLASSES) + 1,
        )
        self.encoder = BertModel(bert_cfg, add_pooling_layer=False)
        self.decoder = nn.Linear(cfg.d_model, cfg.pred_steps * 2)

    def forward(self, agent_feat, lane_feat, token_type_ids, attention_mask):
        tokens = torch.cat([self.agent_proj(agent_feat), self.lane_proj(lane_feat)], dim=1)
        out = self.encoder(inputs_embeds=tokens, token_type_ids=token_type_ids,
                           attention_mask=attention_mask)
        agent_h = out.last_hidden_state[:, :self.cfg.max_agents]
        return self.decoder(agent_h).view(agent_h.shape[0], self.cfg.max_agents, self.cfg.pred_steps, 2)


def make_batch(cfg, rng, batch_size):
    items = [vectorize(cfg, *sample_scene(cfg, rng)) for _ in range(batch_size)]
    return [torch.from_numpy(np.stack(col)) for col in zip(*items)]


def main():
    cfg = SceneEncoderConfig()
    rng = np.random.default_rng(cfg.seed)
    torch.manual_seed(cfg.seed)
    model = SceneTransformer(cfg)
    opt = torch.optim.AdamW(model.parameters(), lr=3e-4)

    for it in range(5):
        agent_feat, lane_feat, token_type_ids, mask, future = make_batch(cfg, rng, batch_size=8)
        pred = model(agent_feat, lane_feat, token_type_ids, mask)
        valid = mask[:, :cfg.max_agents].bool()
        ade = torch.linalg.norm(pred - future, dim=-1).mean(-1)
        loss = ade[valid].mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
        print(f"iter {it}  ADE {loss.item():.3f}")


if __name__ == "__main__":
    main()
