import math
import random

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import Dataset, DataLoader

SR = 100            # Hz
PATCH = 20          # samples per token (0.2 s)
D_MODEL = 48
N_HEADS = 4
N_LAYERS = 2
PHASES = ("noise", "P", "S")

torch.manual_seed(0)
np.random.seed(0)
random.seed(0)


def make_trace(n_samples):
    """3-component synthetic local event: P on Z, S stronger on horizontals."""
    t = np.arange(n_samples) / SR
    p_idx = np.random.randint(int(0.15 * n_samples), int(0.4 * n_samples))
    s_idx = p_idx + np.random.randint(int(0.1 * n_samples), int(0.3 * n_samples))
    s_idx = min(s_idx, n_samples - 20)
    wav = 0.05 * np.random.randn(3, n_samples)
    for onset, amp, comps, f0 in ((p_idx, 1.0, [0], 8.0), (s_idx, 2.0, [1, 2], 4.0)):
        tt = t[onset:] - t[onset]
        env = amp * np.exp(-tt * 3.0)
        for c in comps:
            wav[c, onset:] += env * np.sin(2 * math.pi * f0 * tt + np.random.rand())
    wav /= np.abs(wav).max(axis=1, keepdims=True) + 1e-8
    return wav.astype(np.float32), p_idx, s_idx


class StationTraceDataset(Dataset):
    """Traces of varying duration (different cut windows per network)."""

    def __init__(self, n_traces):
        self.rows = []
        for _ in range(n_traces):
            dur_s = random.choice([20, 30, 40])
            wav, p_idx, s_idx = make_trace(dur_s * SR)
            self.rows.append((wav, p_idx, s_idx))

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, i):
        wav, p_idx, s_idx = self.rows[i]
        n_tok = wav.shape[1] // PATCH
        labels = np.zeros(n_tok, dtype=np.int64)
        labels[p_idx // PATCH] = 1
        labels[s_idx // PATCH] = 2
        tokens = wav[:, : n_tok * PATCH].reshape(3, n_tok, PATCH).transpose(1, 0, 2).reshape(n_tok, 3 * PATCH)
        return torch.from_numpy(tokens), torch.from_numpy(labels)


def pad_collate(batch):
    lengths = [tok.shape[0] for tok, _ in batch]
    max_len = max(lengths)
    feats = torch.zeros(len(batch), max_len, 3 * PATCH)
    labels = torch.zeros(len(batch), max_len, dtype=torch.long)
    pad_mask = torch.zeros(len(batch), max_len, dtype=torch.long)
    for i, (tok, lab) in enumerate(batch):
        n = tok.shape[0]
        feats[i, :n] = tok
        labels[i, :n] = lab
        pad_mask[i, n:] = 1
    return {"feats": feats, "labels": labels, "pad_mask": pad_mask, "lengths": torch.tensor(lengths)}


class SinusoidalPE(nn.Module):
    def __init__(self, d_model, max_len=1000):
        super().__init__()
        pos = torch.arange(max_len).unsqueeze(1)
        div = torch.exp(torch.arange(0, d_model, 2) * (-math.log(10000.0) / d_model))
        pe = torch.zeros(max_len, d_model)
        pe[:, 0::2] = torch.sin(pos * div)
        pe[:, 1::2] = torch.cos(pos * div)
        self.register_buffer("pe", pe)

    def forward(self, x):
        return x + self.pe[: x.size(1)]


class PatchPicker(nn.Module):
    def __init__(self):
        super().__init__()
        self.embed = nn.Linear(3 * PATCH, D_MODEL)
        self.pos = SinusoidalPE(D_MODEL)
        layer = nn.TransformerEncoderLayer(D_MODEL, N_HEADS, dim_feedforward=4 * D_MODEL,
                                           dropout=0.1, batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, N_LAYERS)
        self.cls = nn.Linear(D_MODEL, len(PHASES))

    def forward(self, feats, pad_mask):
        h = self.pos(self.embed(feats))
        h = self.encoder(h, src_key_padding_mask=pad_mask)
        return self.cls(h)


def masked_phase_loss(logits, labels, pad_mask, class_weights):
    per_tok = F.cross_entropy(logits.transpose(1, 2), labels, weight=class_weights, reduction="none")
    valid = (1 - pad_mask).float()
    return (per_tok * valid).sum() / valid.sum()


def main():
    train_ds = StationTraceDataset(64)
    loader = DataLoader(train_ds, batch_size=8, shuffle=True, collate_fn=pad_collate)
    model = PatchPicker()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    # picks are rare tokens compared to noise
    class_weights = torch.tensor([0.05, 1.0, 1.0])

    for epoch in range(2):
        model.train()
        total = 0.0
        for step, batch in enumerate(loader):
            logits = model(batch["feats"], batch["pad_mask"])
            loss = masked_phase_loss(logits, batch["labels"], batch["pad_mask"], class_weights)
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item()
        print(f"epoch {epoch} loss {total / (step + 1):.4f}")

    model.eval()
    with torch.no_grad():
        batch = pad_collate([train_ds[i] for i in range(4)])
        probs = model(batch["feats"], batch["pad_mask"]).softmax(-1)
        for i, n in enumerate(batch["lengths"].tolist()):
            p_tok = probs[i, :n, 1].argmax().item()
            s_tok = probs[i, :n, 2].argmax().item()
            print(f"trace {i}: P at {p_tok * PATCH / SR:.2f}s  S at {s_tok * PATCH / SR:.2f}s")


if __name__ == "__main__":
    main()
