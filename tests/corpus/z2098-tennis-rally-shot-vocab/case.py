"""Point-winner prediction from tennis rally shot sequences.

A rally is the ordered list of strokes (with the court zone each one lands in)
from serve to the last shot. A GRU reads the rally and predicts whether the
server or the returner won the point.
"""
import random

import torch
import torch.nn as nn
from torch.nn.utils.rnn import pack_padded_sequence

random.seed(3)
torch.manual_seed(3)

SHOT_TYPES = ["serve", "return", "forehand", "backhand", "slice", "volley", "drop", "lob", "smash"]
SHOT_TO_ID = {shot: i + 1 for i, shot in enumerate(SHOT_TYPES)}
ZONES = ["deuce_wide", "deuce_body", "deuce_t", "ad_t", "ad_body", "ad_wide", "deep_middle", "short_middle"]
PAD = 0


def synth_rally():
    n_strokes = random.randint(2, 14)
    strokes = ["serve", "return"]
    for _ in range(n_strokes - 2):
        strokes.append(random.choice(SHOT_TYPES[2:]))
    zones = [random.randrange(len(ZONES)) for _ in strokes]
    finisher = strokes[-1]
    server_won = int((len(strokes) % 2 == 1) ^ (finisher in ("drop", "lob") and random.random() < 0.3))
    return strokes, zones, server_won


def collate_rallies(rallies):
    lengths = torch.tensor([len(strokes) for strokes, _, _ in rallies])
    longest = int(lengths.max())
    shot_ids = torch.full((len(rallies), longest), PAD, dtype=torch.long)
    zone_ids = torch.zeros((len(rallies), longest), dtype=torch.long)
    for row, (strokes, zones, _) in enumerate(rallies):
        shot_ids[row, : len(strokes)] = torch.tensor([SHOT_TO_ID[s] for s in strokes])
        zone_ids[row, : len(zones)] = torch.tensor(zones)
    winners = torch.tensor([float(w) for _, _, w in rallies])
    return shot_ids, zone_ids, lengths, winners


class RallyReader(nn.Module):
    def __init__(self, n_shot_types, n_zones, dim=16, hidden=32):
        super().__init__()
        self.shot_emb = nn.Embedding(n_shot_types, dim, padding_idx=PAD)
        self.zone_emb = nn.Embedding(n_zones, dim)
        self.gru = nn.GRU(dim, hidden, batch_first=True)
        self.out = nn.Linear(hidden, 1)

    def forward(self, shot_ids, zone_ids, lengths):
        x = self.shot_emb(shot_ids) + self.zone_emb(zone_ids)
        packed = pack_padded_sequence(x, lengths, batch_first=True, enforce_sorted=False)
        _, last_hidden = self.gru(packed)
        return self.out(last_hidden[-1]).squeeze(-1)


def main():
    rallies = [synth_rally() for _ in range(256)]
    train, test = rallies[:200], rallies[200:]
    print(f"{len(train)} training rallies, {len(test)} test rallies")

    model = RallyReader(len(SHOT_TYPES), len(ZONES))
    optimizer = torch.optim.Adam(model.parameters(), lr=5e-3)
    loss_fn = nn.BCEWithLogitsLoss()

    for epoch in range(6):
        random.shuffle(train)
        total = 0.0
        for start in range(0, len(train), 32):
            shot_ids, zone_ids, lengths, winners = collate_rallies(train[start : start + 32])
            logits = model(shot_ids, zone_ids, lengths)
            loss = loss_fn(logits, winners)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            total += loss.item() * len(winners)
        print(f"epoch {epoch + 1}: loss {total / len(train):.4f}")

    model.eval()
    with torch.no_grad():
        shot_ids, zone_ids, lengths, winners = collate_rallies(test)
        probs = torch.sigmoid(model(shot_ids, zone_ids, lengths))
    acc = ((probs > 0.5).float() == winners).float().mean().item()
    print(f"test accuracy (server won?): {acc:.3f}")


if __name__ == "__main__":
    main()
