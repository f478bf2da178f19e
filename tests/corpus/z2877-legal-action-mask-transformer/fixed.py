import collections
import math
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, Dataset

SEED = 1234
N_MATCHES = 30
NUM_ACTIONS = 14
PAD_ID = NUM_ACTIONS
HISTORY = 12
OBS_DIM = 10
D_MODEL = 32
N_HEADS = 4
N_LAYERS = 2
BATCH_SIZE = 32
EPOCHS = 3
LR = 1e-3
BUFFER_SIZE = 5000


@dataclass
class Transition:
    obs: np.ndarray
    history: np.ndarray
    legal: np.ndarray
    action: int


def fake_match_log(rng, match_id):
    """Mimics what the game server dumps: obs, chosen action, and packed legal-action bits."""
    T = int(rng.integers(30, 90))
    obs = rng.normal(0, 1, size=(T, OBS_DIM)).astype(np.float32)
    legal_bool = rng.random((T, NUM_ACTIONS)) > 0.35
    legal_bool[:, 0] = True
    actions = np.empty(T, dtype=np.int64)
    for t in range(T):
        choices = np.flatnonzero(legal_bool[t])
        pref = int(abs(obs[t, 0]) * 7) % NUM_ACTIONS
        actions[t] = pref if legal_bool[t, pref] else rng.choice(choices)
    packed = np.packbits(legal_bool, axis=-1)
    return {"match_id": match_id, "obs": obs, "actions": actions, "legal_packed": packed}


def episode_to_transitions(ep):
    legal = np.unpackbits(ep["legal_packed"], axis=-1)[:, :NUM_ACTIONS].astype(bool)
    acts = ep["actions"]
    padded = np.concatenate([np.full(HISTORY, PAD_ID, dtype=np.int64), acts])
    for t in range(len(acts)):
        yield Transition(
            obs=ep["obs"][t],
            history=padded[t:t + HISTORY],
            legal=legal[t],
            action=int(acts[t]),
        )


class ReplayDataset(Dataset):
    def __init__(self, buffer):
        self.items = list(buffer)

    def __len__(self):
        return len(self.items)

    def __getitem__(self, i):
        return self.items[i]


def collate(batch):
    return {
        "obs": torch.from_numpy(np.stack([b.obs for b in batch])),
        "history": torch.from_numpy(np.stack([b.history for b in batch])),
        "legal": torch.from_numpy(np.stack([b.legal for b in batch])),
        "action": torch.tensor([b.action for b in batch]),
    }


class ActionHistoryEncoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.tok = nn.Embedding(NUM_ACTIONS + 1, D_MODEL, padding_idx=PAD_ID)
        self.pos = nn.Parameter(torch.randn(1, HISTORY + 1, D_MODEL) * 0.02)
        self.obs_proj = nn.Linear(OBS_DIM, D_MODEL)
        layer = nn.TransformerEncoderLayer(D_MODEL, N_HEADS, dim_feedforward=2 * D_MODEL,
                                           dropout=0.1, batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, N_LAYERS)
        self.policy_head = nn.Linear(D_MODEL, NUM_ACTIONS)

    def forward(self, obs, history, legal):
        obs_tok = self.obs_proj(obs).unsqueeze(1)
        x = torch.cat([obs_tok, self.tok(history) * math.sqrt(D_MODEL)], dim=1) + self.pos
        pad = torch.cat([torch.zeros_like(history[:, :1], dtype=torch.bool), history == PAD_ID], dim=1)
        h = self.encoder(x, src_key_padding_mask=pad)
        logits = self.policy_head(h[:, 0])
        return logits.masked_fill(~legal, float("-inf"))


def run_epoch(model, loader, opt=None):
    train = opt is not None
    model.train(train)
    tot, correct, n = 0.0, 0, 0
    for batch in loader:
        with torch.set_grad_enabled(train):
            logits = model(batch["obs"], batch["history"], batch["legal"])
            loss = F.cross_entropy(logits, batch["action"])
        if train:
            opt.zero_grad()
            loss.backward()
            opt.step()
        tot += loss.item() * len(batch["action"])
        correct += (logits.argmax(-1) == batch["action"]).sum().item()
        n += len(batch["action"])
    return tot / n, correct / n


def main():
    torch.manual_seed(SEED)
    rng = np.random.default_rng(SEED)
    logs = [fake_match_log(rng, m) for m in range(N_MATCHES)]
    split = int(0.8 * len(logs))

    replay = collections.deque(maxlen=BUFFER_SIZE)
    for ep in logs[:split]:
        replay.extend(episode_to_transitions(ep))
    val_items = [tr for ep in logs[split:] for tr in episode_to_transitions(ep)]
    print(f"train transitions: {len(replay)}  val transitions: {len(val_items)}")

    train_loader = DataLoader(ReplayDataset(replay), batch_size=BATCH_SIZE, shuffle=True,
                              collate_fn=collate)
    val_loader = DataLoader(ReplayDataset(val_items), batch_size=BATCH_SIZE, collate_fn=collate)

    model = ActionHistoryEncoder()
    opt = torch.optim.AdamW(model.parameters(), lr=LR, weight_decay=0.01)
    for epoch in range(EPOCHS):
        tr_loss, tr_acc = run_epoch(model, train_loader, opt)
        va_loss, va_acc = run_epoch(model, val_loader)
        print(f"epoch {epoch} train {tr_loss:.3f}/{tr_acc:.3f}  val {va_loss:.3f}/{va_acc:.3f}")


if __name__ == "__main__":
    main()
