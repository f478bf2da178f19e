"""Next-track recommendation from listening sessions.

Each session is the list of track ids a listener played in one sitting (skips
under 30s already removed upstream). We train a small transformer over the
session prefix and score the full catalogue for the next play.
"""
import math
import random

import torch
import torch.nn as nn
from torch.utils.data import DataLoader, Dataset

random.seed(7)
torch.manual_seed(7)

N_TRACKS = 400          # catalogue size, ids 1..N_TRACKS, 0 is padding
MAX_SESSION = 12
D_MODEL = 32
N_HEADS = 4
BATCH = 16
EPOCHS = 1


def fake_listening_log(n_sessions=40):
    """Sessions drift around a 'genre' neighbourhood of track ids."""
    sessions = []
    for _ in range(n_sessions):
        anchor = random.randint(1, N_TRACKS)
        length = random.randint(3, MAX_SESSION)
        plays = [max(1, min(N_TRACKS, anchor + random.randint(-15, 15))) for _ in range(length)]
        sessions.append(plays)
    return sessions


class SessionPrefixes(Dataset):
    def __init__(self, sessions):
        self.rows = []
        for plays in sessions:
            for cut in range(2, len(plays)):
                self.rows.append((plays[:cut], plays[cut]))

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, idx):
        return self.rows[idx]


def collate_sessions(batch):
    longest = max(len(prefix) for prefix, _ in batch)
    track_ids = torch.tensor([prefix + [0] * (longest - len(prefix)) for prefix, _ in batch])
    pad_flags = torch.tensor(
        [[0] * len(prefix) + [1] * (longest - len(prefix)) for prefix, _ in batch]
    )
    lengths = torch.tensor([len(prefix) for prefix, _ in batch])
    next_track = torch.tensor([nxt for _, nxt in batch])
    return track_ids, pad_flags, lengths, next_track


class SessionTransformer(nn.Module):
    def __init__(self, n_tracks, d_model, n_heads, max_len):
        super().__init__()
        self.track_emb = nn.Embedding(n_tracks + 1, d_model, padding_idx=0)
        self.pos_emb = nn.Embedding(max_len, d_model)
        layer = nn.TransformerEncoderLayer(
            d_model, n_heads, dim_feedforward=2 * d_model, dropout=0.1, batch_first=True
        )
        self.encoder = nn.TransformerEncoder(layer, num_layers=2)
        self.norm = nn.LayerNorm(d_model)

    def forward(self, track_ids, pad_flags, lengths):
        positions = torch.arange(track_ids.size(1), device=track_ids.device)
        h = self.track_emb(track_ids) * math.sqrt(self.track_emb.embedding_dim)
        h = h + self.pos_emb(positions)[None]
        h = self.encoder(h, src_key_padding_mask=pad_flags)
        h = self.norm(h)
        last = h[torch.arange(h.size(0)), lengths - 1]
        # tie output layer to the item table
        return last @ self.track_emb.weight.T


def recall_at_k(scores, target, k=10):
    topk = scores.topk(k, dim=-1).indices
    return (topk == target[:, None]).any(dim=1).float().mean().item()


def main():
    sessions = fake_listening_log()
    split = int(0.9 * len(sessions))
    train_ds = SessionPrefixes(sessions[:split])
    valid_ds = SessionPrefixes(sessions[split:])
    train_dl = DataLoader(train_ds, batch_size=BATCH, shuffle=True, collate_fn=collate_sessions)
    valid_dl = DataLoader(valid_ds, batch_size=64, collate_fn=collate_sessions)

    model = SessionTransformer(N_TRACKS, D_MODEL, N_HEADS, MAX_SESSION)
    opt = torch.optim.AdamW(model.parameters(), lr=3e-3, weight_decay=1e-4)
    loss_fn = nn.CrossEntropyLoss()

    for epoch in range(EPOCHS):
        model.train()
        running = 0.0
        for step, (track_ids, pad_flags, lengths, next_track) in enumerate(train_dl):
            scores = model(track_ids, pad_flags, lengths)
            scores[:, 0] = -1e9  # never recommend the padding row
            loss = loss_fn(scores, next_track)
            opt.zero_grad()
            loss.backward()
            opt.step()
            running += loss.item()
            if step % 20 == 0:
                print(f"epoch {epoch} step {step} loss {loss.item():.3f}")

        model.eval()
        recalls = []
        with torch.no_grad():
            for track_ids, pad_flags, lengths, next_track in valid_dl:
                scores = model(track_ids, pad_flags, lengths)
                scores[:, 0] = -1e9
                recalls.append(recall_at_k(scores, next_track))
        print(f"epoch {epoch}: train loss {running / (step + 1):.3f} "
              f"valid recall@10 {sum(recalls) / len(recalls):.3f}")


if __name__ == "__main__":
    main()
