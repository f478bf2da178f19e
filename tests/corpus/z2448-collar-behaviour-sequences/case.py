"""Per-window behaviour tagging from neck-collar accelerometers.

Each sample is one cow's session (a run of consecutive 6 s windows). Every window is
summarised into a handful of accelerometer statistics and a small transformer
encoder tags each window with a behaviour class.
"""
import random

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import Dataset, DataLoader

SEED = 7
random.seed(SEED)
np.random.seed(SEED)
torch.manual_seed(SEED)

BEHAVIOURS = ["grazing", "ruminating", "resting", "walking", "drinking"]

CFG = {
    "fs_hz": 10,
    "window_s": 6,
    "max_windows": 48,
    "d_model": 32,
    "n_heads": 4,
    "n_layers": 2,
    "batch_size": 8,
    "epochs": 2,
    "lr": 1e-3,
}

# rough per-behaviour (mean magnitude, jitter) of the raw signal in g
BEHAVIOUR_PROFILE = {0: (1.05, 0.25), 1: (1.00, 0.08), 2: (0.98, 0.03), 3: (1.15, 0.40), 4: (1.02, 0.15)}


def simulate_session(n_windows, rng):
    n_samp = CFG["fs_hz"] * CFG["window_s"]
    labels, raw = [], []
    state = rng.integers(len(BEHAVIOURS))
    for _ in range(n_windows):
        if rng.random() < 0.2:
            state = rng.integers(len(BEHAVIOURS))
        mu, sd = BEHAVIOUR_PROFILE[int(state)]
        xyz = rng.normal(0.0, sd, size=(n_samp, 3))
        xyz[:, 2] += mu
        raw.append(xyz)
        labels.append(int(state))
    return np.stack(raw), np.array(labels)


def window_features(raw):
    # raw: (n_windows, n_samp, 3)
    mag = np.linalg.norm(raw, axis=-1)
    odba = np.abs(raw - raw.mean(axis=1, keepdims=True)).sum(-1)
    feats = [raw.mean(1), raw.std(1), raw.min(1), raw.max(1),
             mag.mean(1, keepdims=True), mag.std(1, keepdims=True), odba.mean(1, keepdims=True)]
    return np.concatenate(feats, axis=1).astype(np.float32)


class CollarSessions(Dataset):
    def __init__(self, n_sessions, seed=0):
        rng = np.random.default_rng(seed)
        self.items = []
        for _ in range(n_sessions):
            n_win = int(rng.integers(18, 41))
            raw, y = simulate_session(n_win, rng)
            self.items.append((torch.from_numpy(window_features(raw)), torch.from_numpy(y)))

    def __len__(self):
        return len(self.items)

    def __getitem__(self, idx):
        return self.items[idx]


def lengths_to_padding_mask(lengths, max_len):
    steps = torch.arange(max_len).unsqueeze(0)
    return steps >= lengths.unsqueeze(1)


def collate_sessions(batch):
    feats, labels = zip(*batch)
    lengths = torch.tensor([f.shape[0] for f in feats])
    padded = nn.utils.rnn.pad_sequence(feats, batch_first=True)
    tgt = nn.utils.rnn.pad_sequence(labels, batch_first=True, padding_value=-100)
    pad_mask = lengths_to_padding_mask(lengths, CFG["max_windows"])
    return padded, tgt, pad_mask, lengths


class BehaviourTagger(nn.Module):
    def __init__(self, n_feats, n_classes, cfg):
        super().__init__()
        self.inp = nn.Linear(n_feats, cfg["d_model"])
        self.pos = nn.Parameter(torch.zeros(1, cfg["max_windows"], cfg["d_model"]))
        layer = nn.TransformerEncoderLayer(cfg["d_model"], cfg["n_heads"], dim_feedforward=64,
                                           dropout=0.1, batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, cfg["n_layers"], enable_nested_tensor=False)
        self.head = nn.Linear(cfg["d_model"], n_classes)

    def forward(self, x, pad_mask):
        h = self.inp(x) + self.pos[:, : x.size(1)]
        h = self.encoder(h, src_key_padding_mask=pad_mask)
        return self.head(h)


def run_epoch(model, loader, opt, loss_fn):
    model.train()
    total, n_tok, correct = 0.0, 0, 0
    for feats, tgt, pad_mask, lengths in loader:
        logits = model(feats, pad_mask)
        loss = loss_fn(logits.reshape(-1, logits.size(-1)), tgt.reshape(-1))
        opt.zero_grad()
        loss.backward()
        opt.step()
        valid = tgt != -100
        correct += (logits.argmax(-1)[valid] == tgt[valid]).sum().item()
        n_tok += valid.sum().item()
        total += loss.item() * feats.size(0)
    return total / len(loader.dataset), correct / max(n_tok, 1)


def main():
    train_ds = CollarSessions(64, seed=1)
    loader = DataLoader(train_ds, batch_size=CFG["batch_size"], shuffle=True, collate_fn=collate_sessions)
    n_feats = train_ds[0][0].shape[1]
    model = BehaviourTagger(n_feats, len(BEHAVIOURS), CFG)
    opt = torch.optim.AdamW(model.parameters(), lr=CFG["lr"])
    loss_fn = nn.CrossEntropyLoss(ignore_index=-100)
    for epoch in range(CFG["epochs"]):
        loss, acc = run_epoch(model, loader, opt, loss_fn)
        print(f"epoch {epoch}: loss={loss:.4f} window_acc={acc:.3f}")


if __name__ == "__main__":
    main()
