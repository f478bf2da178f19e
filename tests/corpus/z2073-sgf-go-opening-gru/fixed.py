import random
import string

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import Dataset, DataLoader

random.seed(11)
torch.manual_seed(11)

BOARD = 19
COLS = string.ascii_lowercase[:BOARD]
PASS_TOKEN = BOARD * BOARD
PAD_TOKEN = PASS_TOKEN + 1
VOCAB = PAD_TOKEN + 1
OPENING_WINDOW = 48


def fake_sgf_record(rng, n_moves):
    spots = rng.sample([c + r for c in COLS for r in COLS], n_moves)
    stones = []
    for i, spot in enumerate(spots):
        colour = "B" if i % 2 == 0 else "W"
        stones.append(f";{colour}[]" if rng.random() < 0.02 else f";{colour}[{spot}]")
    result = rng.choice(["B+R", "W+R", "B+3.5", "W+0.5"])
    return f"(;GM[1]FF[4]SZ[{BOARD}]KM[6.5]RE[{result}]" + "".join(stones) + ")"


def make_archive(n_games=40):
    rng = random.Random(3)
    records = []
    for _ in range(n_games):
        length = rng.randint(60, 220) if rng.random() > 0.15 else rng.randint(20, 45)
        records.append(fake_sgf_record(rng, length))
    return records


def sgf_to_points(record):
    points = []
    for node in record.split(";")[2:]:
        node = node.rstrip(")")
        coord = node[2:4]
        if node[1] != "[":
            continue
        if coord == "" or coord.startswith("]"):
            points.append(PASS_TOKEN)
        else:
            col, row = COLS.index(coord[0]), COLS.index(coord[1])
            points.append(row * BOARD + col)
    return points


class OpeningWindows(Dataset):
    def __init__(self, records):
        self.games = [sgf_to_points(r) for r in records]

    def __len__(self):
        return len(self.games)

    def __getitem__(self, idx):
        window = self.games[idx][:OPENING_WINDOW + 1]
        window = window + [PAD_TOKEN] * (OPENING_WINDOW + 1 - len(window))
        seq = torch.tensor(window, dtype=torch.long)
        return seq[:-1], seq[1:]


class NextStoneGRU(nn.Module):
    def __init__(self, vocab, dim=48):
        super().__init__()
        self.embed = nn.Embedding(vocab, dim, padding_idx=PAD_TOKEN)
        self.rnn = nn.GRU(dim, dim, batch_first=True)
        self.head = nn.Linear(dim, vocab)

    def forward(self, history):
        h, _ = self.rnn(self.embed(history))
        return self.head(h)


def legal_logits(logits, history):
    occupied = F.one_hot(history, VOCAB).cumsum(dim=1) > 0
    occupied[..., PASS_TOKEN] = False
    occupied[..., PAD_TOKEN] = True
    return logits.masked_fill(occupied, -1e4)


def train(model, loader, epochs=2):
    optim = torch.optim.Adam(model.parameters(), lr=2e-3)
    loss_fn = nn.CrossEntropyLoss(ignore_index=PAD_TOKEN)
    for epoch in range(epochs):
        running, steps = 0.0, 0
        for history, target in loader:
            logits = legal_logits(model(history), history)
            loss = loss_fn(logits.reshape(-1, VOCAB), target.reshape(-1))
            optim.zero_grad()
            loss.backward()
            optim.step()
            running += loss.item()
            steps += 1
        print(f"epoch {epoch} mean loss {running / steps:.3f}")


def main():
    archive = make_archive()
    data = OpeningWindows(archive)
    lengths = [len(g) for g in data.games]
    print(f"{len(data)} games, moves per game {min(lengths)}..{max(lengths)}")
    loader = DataLoader(data, batch_size=8, shuffle=True)
    model = NextStoneGRU(VOCAB)
    train(model, loader)


if __name__ == "__main__":
    main()
