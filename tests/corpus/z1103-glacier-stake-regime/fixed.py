"""
Melt-regime tagging for glacier ablation stakes.

Field teams log each stake visit as a short string of observation codes
("snow_cover", "dirty_ice", "stake_tilt", ...). We classify each stake's
season into a melt regime. Stakes in the debris zone are down-weighted in the
loss because their readings are notoriously noisy, so the loss is accumulated
per stake by hand.
"""
import functools
import random

import torch
import torch.nn.functional as F

random.seed(3)
torch.manual_seed(3)

OBS = ["<pad>", "snow_cover", "firn", "clean_ice", "dirty_ice", "debris",
       "meltwater", "stake_tilt", "stake_lost", "refreeze", "crevasse"]
OBS_ID = {o: i for i, o in enumerate(OBS)}
REGIMES = ["accumulation", "balanced", "strong_ablation"]
MAX_VISITS = 6
BATCH_SIZE = 4
DEBRIS_WEIGHT = 0.3

STAKES = [
    ("S01", "snow_cover snow_cover firn refreeze", "accumulation", False),
    ("S02", "firn clean_ice meltwater refreeze", "balanced", False),
    ("S03", "clean_ice meltwater meltwater stake_tilt dirty_ice", "strong_ablation", False),
    ("S04", "debris dirty_ice meltwater stake_lost", "strong_ablation", True),
    ("S05", "snow_cover firn firn snow_cover", "accumulation", False),
    ("S06", "debris debris dirty_ice refreeze", "balanced", True),
    ("S07", "clean_ice crevasse meltwater meltwater", "strong_ablation", False),
    ("S08", "firn refreeze clean_ice firn", "balanced", False),
    ("S09", "snow_cover refreeze snow_cover", "accumulation", False),
    ("S10", "dirty_ice debris meltwater stake_tilt", "strong_ablation", True),
]


def visits_to_ids(log):
    ids = [OBS_ID[o] for o in log.split()][:MAX_VISITS]
    return ids + [OBS_ID["<pad>"]] * (MAX_VISITS - len(ids))


def batch_stream(stakes, shuffle=True):
    rows = stakes[:]
    if shuffle:
        random.shuffle(rows)
    for i in range(0, len(rows), BATCH_SIZE):
        chunk = rows[i:i + BATCH_SIZE]
        yield {
            "obs": torch.tensor([visits_to_ids(r[1]) for r in chunk]),
            "regime": torch.tensor([REGIMES.index(r[2]) for r in chunk]),
            "debris": torch.tensor([r[3] for r in chunk]),
        }


def new_params(dim=20):
    p = {
        "obs_emb": torch.randn(len(OBS), dim) * 0.2,
        "W": torch.randn(len(REGIMES), dim) * 0.1,
        "b": torch.zeros(len(REGIMES)),
    }
    return {k: v.requires_grad_() for k, v in p.items()}


def forward(params, obs):
    e = F.embedding(obs, params["obs_emb"], padding_idx=0)
    m = (obs > 0).float().unsqueeze(-1)
    pooled = (e * m).sum(1) / m.sum(1)
    return F.linear(pooled, params["W"], params["b"])


def weighted_stake_loss(logits, regime, debris, debris_weight):
    total, norm = 0.0, 0.0
    for k in range(logits.size(0)):
        w = debris_weight if debris[k] else 1.0
        total = total + w * F.cross_entropy(logits[k:k + 1], regime[k:k + 1])
        norm += w
    return total / norm


def run(epochs=20):
    params = new_params()
    opt = torch.optim.Adam(params.values(), lr=0.05)
    loss_fn = functools.partial(weighted_stake_loss, debris_weight=DEBRIS_WEIGHT)
    print(f"{len(STAKES)} stakes, batch size {BATCH_SIZE}")
    for ep in range(epochs):
        losses = []
        for batch in batch_stream(STAKES):
            logits = forward(params, batch["obs"])
            loss = loss_fn(logits, batch["regime"], batch["debris"])
            opt.zero_grad()
            loss.backward()
            opt.step()
            losses.append(loss.item())
        if ep % 5 == 0:
            print(f"epoch {ep:2d}: weighted loss {sum(losses) / len(losses):.4f}")

    with torch.no_grad():
        for batch in batch_stream(STAKES, shuffle=False):
            pred = forward(params, batch["obs"]).argmax(-1)
            print("regimes:", [REGIMES[i] for i in pred.tolist()])


if __name__ == "__main__":
    run()
