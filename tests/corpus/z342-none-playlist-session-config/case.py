"""Predict the genre of the next track in a music-streaming listening session.

Sessions are variable-length sequences of track genres (padded), encoded by a
small Transformer encoder; the last real position predicts what comes next.
"""
import json
from dataclasses import dataclass

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, Dataset

GENRES = ["pad", "pop", "rock", "jazz", "hiphop", "classical", "electronic", "folk", "metal", "latin"]
PAD = 0

MODEL_JSON = """
{
  "d_model": 32,
  "n_heads": 4,
  "n_layers": 2,
  "ff_dim": 64,
  "dropout": 0.1,
  "batch_fisrt": true,
  "max_session": 24
}
"""


@dataclass
class TrainConfig:
    n_sessions: int = 200
    batch_size: int = 16
    epochs: int = 2
    lr: float = 1e-3
    seed: int = 5


class SessionDataset(Dataset):
    """Users tend to stay in a genre and drift to a 'neighbouring' one."""

    def __init__(self, n, max_len, seed):
        g = torch.Generator().manual_seed(seed)
        self.items = []
        n_genres = len(GENRES) - 1
        for _ in range(n):
            length = int(torch.randint(6, max_len + 2, (1,), generator=g))
            genre = int(torch.randint(n_genres, (1,), generator=g))
            seq = []
            for _ in range(length):
                if torch.rand(1, generator=g).item() < 0.3:
                    genre = (genre + int(torch.randint(-1, 2, (1,), generator=g))) % n_genres
                seq.append(genre + 1)
            self.items.append((seq[:-1][:max_len], seq[-1]))

    def __len__(self):
        return len(self.items)

    def __getitem__(self, i):
        return self.items[i]


def make_collate(max_len):
    def collate(batch):
        tracks = torch.full((len(batch), max_len), PAD, dtype=torch.long)
        for row, (seq, _) in enumerate(batch):
            tracks[row, :len(seq)] = torch.tensor(seq)
        lengths = torch.tensor([len(seq) for seq, _ in batch])
        targets = torch.tensor([nxt for _, nxt in batch])
        return tracks, lengths, targets
    return collate


class NextGenreModel(nn.Module):
    def __init__(self, hp):
        super().__init__()
        d = hp["d_model"]
        self.genre_emb = nn.Embedding(len(GENRES), d, padding_idx=PAD)
        self.pos_emb = nn.Embedding(hp["max_session"], d)
        layer = nn.TransformerEncoderLayer(d_model=d, nhead=hp["n_heads"],
                                           dim_feedforward=hp.get("ff_dim", 4 * d),
                                           dropout=hp.get("dropout", 0.1),
                                           batch_first=hp.get("batch_first", False))
        self.encoder = nn.TransformerEncoder(layer, num_layers=hp["n_layers"])
        self.out = nn.Linear(d, len(GENRES))

    def forward(self, tracks, lengths):
        positions = torch.arange(tracks.size(1), device=tracks.device)
        h = self.genre_emb(tracks) + self.pos_emb(positions)
        pad_mask = tracks.eq(PAD)
        h = self.encoder(h, src_key_padding_mask=pad_mask)
        last = h[torch.arange(tracks.size(0)), lengths - 1]
        return self.out(last)


def train(cfg, hp):
    torch.manual_seed(cfg.seed)
    ds = SessionDataset(cfg.n_sessions, hp["max_session"], cfg.seed)
    loader = DataLoader(ds, batch_size=cfg.batch_size, shuffle=True,
                        collate_fn=make_collate(hp["max_session"]))
    model = NextGenreModel(hp)
    opt = torch.optim.Adam(model.parameters(), lr=cfg.lr)
    for epoch in range(cfg.epochs):
        hits, seen = 0, 0
        for tracks, lengths, targets in loader:
            logits = model(tracks, lengths)
            loss = F.cross_entropy(logits, targets)
            opt.zero_grad()
            loss.backward()
            opt.step()
            hits += (logits.argmax(-1) == targets).sum().item()
            seen += targets.numel()
        print(f"epoch {epoch} loss {loss.item():.3f} train-acc {hits / seen:.3f}")
    return model


if __name__ == "__main__":
    hyper = json.loads(MODEL_JSON)
    train(TrainConfig(), hyper)
