from dataclasses import dataclass, field

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


@dataclass
class DraftConfig:
    n_heroes: int = 124
    n_players: int = 60000
    n_roles: int = 5
    dim: int = 48
    mlp_hidden: int = 96
    dropout: float = 0.1
    init_device: str = "meta"
    device: str = "cpu"
    lr: float = 2e-3
    batch_size: int = 64
    steps: int = 30
    seed: int = 11
    role_names: list = field(default_factory=lambda: ["carry", "mid", "offlane", "soft_sup", "hard_sup"])


class DraftWinModel(nn.Module):
    """Radiant win probability from the 10 locked-in (player, hero, role) slots."""

    def __init__(self, cfg: DraftConfig):
        super().__init__()
        self.cfg = cfg
        self.hero_emb = nn.Embedding(cfg.n_heroes, cfg.dim)
        self.player_emb = nn.Embedding(cfg.n_players, cfg.dim)
        self.role_emb = nn.Embedding(cfg.n_roles, cfg.dim)
        self.slot_mlp = nn.Sequential(
            nn.Linear(3 * cfg.dim, cfg.mlp_hidden),
            nn.GELU(),
            nn.Dropout(cfg.dropout),
            nn.Linear(cfg.mlp_hidden, cfg.dim),
        )
        self.synergy = nn.Bilinear(cfg.dim, cfg.dim, 1)
        self.head = nn.Linear(cfg.dim + 1, 1)
        # slots 0-4 radiant, 5-9 dire
        self.side_sign = torch.cat([torch.ones(5), -torch.ones(5)])

    @torch.no_grad()
    def reset_parameters(self):
        nn.init.normal_(self.hero_emb.weight, std=0.05)
        nn.init.normal_(self.player_emb.weight, std=0.01)
        nn.init.normal_(self.role_emb.weight, std=0.05)
        for m in self.modules():
            if isinstance(m, (nn.Linear, nn.Bilinear)):
                m.reset_parameters()

    def forward(self, heroes, players, roles):
        slot = torch.cat([self.hero_emb(heroes), self.player_emb(players), self.role_emb(roles)], dim=-1)
        slot = self.slot_mlp(slot)                                  # (B, 10, D)
        diff = (slot * self.side_sign[None, :, None]).sum(dim=1)    # radiant - dire
        radiant = slot[:, :5].mean(dim=1)
        dire = slot[:, 5:].mean(dim=1)
        syn = self.synergy(radiant, dire)
        return self.head(torch.cat([diff, syn], dim=-1)).squeeze(-1)


def build_model(cfg):
    # the player table is big; allocate on meta and materialise once on the target device
    with torch.device(cfg.init_device):
        model = DraftWinModel(cfg)
    model = model.to_empty(device=cfg.device)
    model.reset_parameters()
    n_params = sum(p.numel() for p in model.parameters())
    print(f"model params: {n_params / 1e6:.2f}M on {cfg.device}")
    return model


def synth_drafts(cfg, n, rng):
    heroes = np.stack([rng.choice(cfg.n_heroes, size=10, replace=False) for _ in range(n)])
    players = rng.integers(0, cfg.n_players, size=(n, 10))
    roles = np.tile(np.arange(5), (n, 2))
    hero_strength = rng.normal(0, 0.4, size=cfg.n_heroes)
    score = hero_strength[heroes[:, :5]].sum(1) - hero_strength[heroes[:, 5:]].sum(1)
    radiant_win = (rng.random(n) < 1 / (1 + np.exp(-score))).astype(np.float32)
    return (torch.from_numpy(heroes).long(), torch.from_numpy(players).long(),
            torch.from_numpy(roles).long(), torch.from_numpy(radiant_win))


def main():
    cfg = DraftConfig()
    torch.manual_seed(cfg.seed)
    rng = np.random.default_rng(cfg.seed)
    heroes, players, roles, y = synth_drafts(cfg, 2048, rng)

    model = build_model(cfg)
    opt = torch.optim.Adam(model.parameters(), lr=cfg.lr)

    model.train()
    for step in range(cfg.steps):
        idx = torch.randint(0, heroes.size(0), (cfg.batch_size,))
        hb, pb, rb, yb = (t[idx].to(cfg.device) for t in (heroes, players, roles, y))
        logits = model(hb, pb, rb)
        loss = F.binary_cross_entropy_with_logits(logits, yb)
        opt.zero_grad()
        loss.backward()
        opt.step()
        if step % 10 == 0:
            acc = ((logits > 0).float() == yb).float().mean().item()
            print(f"step {step:3d} loss {loss.item():.4f} acc {acc:.3f}")

    model.eval()
    with torch.no_grad():
        p = torch.sigmoid(model(heroes[:8], players[:8], roles[:8]))
    print("radiant win prob:", [round(v, 3) for v in p.tolist()])


if __name__ == "__main__":
    main()
