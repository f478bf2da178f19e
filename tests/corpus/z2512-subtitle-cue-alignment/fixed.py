"""Subtitle re-sync model: predict how far (in seconds) each subtitle cue's
start time is off from the actual speech onset, using the cue text and the
audio energy frames around the cue."""
import random

import numpy as np
import torch
import torch.nn as nn
from torch.nn.utils.rnn import pad_sequence
from torch.utils.data import Dataset, DataLoader

SEED = 7
FPS = 25                 # audio features resampled to film frame rate
N_FEATS = 8              # band energies per frame
CONTEXT_S = 0.5          # seconds of audio either side of the cue
PAD_ID = 0

cfg = {
    "n_episodes": 6,
    "cues_per_episode": 40,
    "batch_size": 16,
    "emb_dim": 32,
    "hidden": 48,
    "lr": 2e-3,
    "epochs": 2,
}

WORDS = ("i you we they what where why no yes come go now never always tonight "
         "door gun car money kill love leave stay sorry help please wait run "
         "listen look told said know think want need here there home").split()
vocab = {"<pad>": PAD_ID, "<unk>": 1}
for w in WORDS:
    vocab.setdefault(w, len(vocab))


def make_episode(rng, n_cues):
    """Fake one episode: a band-energy track plus SRT-like cues whose start
    times drift from the true speech onset."""
    total_s = n_cues * 5.0 + 10.0
    n_frames = int(total_s * FPS)
    energy = rng.normal(0.0, 0.3, size=(n_frames, N_FEATS)).astype(np.float32)
    cues = []
    t = 2.0
    for _ in range(n_cues):
        dur = rng.uniform(0.8, 4.0)
        onset = t + rng.uniform(0.0, 0.4)
        a, b = int(onset * FPS), int((onset + dur) * FPS)
        energy[a:b, 1:5] += 1.5
        drift = rng.normal(0.0, 0.35)
        words = [WORDS[i] for i in rng.integers(0, len(WORDS), size=rng.integers(2, 12))]
        cues.append({"start": onset + drift, "end": onset + drift + dur,
                     "text": " ".join(words), "offset": -drift})
        t = onset + dur + rng.uniform(0.5, 2.5)
    return energy, cues


class CueDataset(Dataset):
    def __init__(self, episodes):
        self.items = []
        for energy, cues in episodes:
            for cue in cues:
                self.items.append((energy, cue))

    def __len__(self):
        return len(self.items)

    def __getitem__(self, idx):
        energy, cue = self.items[idx]
        lo = max(0, int((cue["start"] - CONTEXT_S) * FPS))
        hi = min(len(energy), int((cue["end"] + CONTEXT_S) * FPS))
        frames = torch.from_numpy(energy[lo:hi])
        ids = [vocab.get(w, 1) for w in cue["text"].lower().split()]
        return {
            "ids": torch.tensor(ids, dtype=torch.long),
            "frames": frames,
            "offset": torch.tensor(cue["offset"], dtype=torch.float32),
        }


def pad_tokens(seqs, pad_id=PAD_ID):
    longest = max(len(s) for s in seqs)
    out = torch.full((len(seqs), longest), pad_id, dtype=torch.long)
    for i, s in enumerate(seqs):
        out[i, : len(s)] = s
    return out


def collate_cues(batch):
    ids = pad_tokens([b["ids"] for b in batch])
    frames = pad_sequence([b["frames"] for b in batch], batch_first=True)
    offsets = torch.stack([b["offset"] for b in batch])
    return ids, frames, offsets


class SyncNet(nn.Module):
    def __init__(self, vocab_size, emb_dim, hidden):
        super().__init__()
        self.emb = nn.Embedding(vocab_size, emb_dim, padding_idx=PAD_ID)
        self.audio_rnn = nn.GRU(N_FEATS, hidden, batch_first=True, bidirectional=True)
        self.head = nn.Sequential(
            nn.Linear(emb_dim + 2 * hidden, hidden), nn.ReLU(), nn.Linear(hidden, 1)
        )

    def forward(self, ids, frames):
        tok = self.emb(ids)
        n_tok = (ids != PAD_ID).sum(1, keepdim=True).clamp(min=1)
        text_vec = tok.sum(1) / n_tok
        audio_out, _ = self.audio_rnn(frames)
        audio_vec = audio_out.mean(1)
        return self.head(torch.cat([text_vec, audio_vec], dim=-1)).squeeze(-1)


def main():
    random.seed(SEED)
    torch.manual_seed(SEED)
    rng = np.random.default_rng(SEED)
    episodes = [make_episode(rng, cfg["cues_per_episode"]) for _ in range(cfg["n_episodes"])]
    ds = CueDataset(episodes)
    loader = DataLoader(ds, batch_size=cfg["batch_size"], shuffle=True, collate_fn=collate_cues)

    model = SyncNet(len(vocab), cfg["emb_dim"], cfg["hidden"])
    opt = torch.optim.Adam(model.parameters(), lr=cfg["lr"])
    loss_fn = nn.SmoothL1Loss()

    for epoch in range(cfg["epochs"]):
        model.train()
        running = 0.0
        for step, (ids, frames, offsets) in enumerate(loader):
            pred = model(ids, frames)
            loss = loss_fn(pred, offsets)
            opt.zero_grad()
            loss.backward()
            opt.step()
            running += loss.item()
        print(f"epoch {epoch}: mean loss {running / (step + 1):.4f}  "
              f"(mean abs offset {np.mean([abs(c['offset']) for _, cs in episodes for c in cs]):.3f}s)")


if __name__ == "__main__":
    main()
