import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, Dataset

torch.manual_seed(0)
np.random.seed(0)

# Field recordings transcribed into syllable codes, labelled by species.
SONGS = [
    ("tsee tsee chip trill", "chickadee"),
    ("fee bee fee bee", "chickadee"),
    ("chip chip trill trill buzz", "sparrow"),
    ("buzz trill chip", "sparrow"),
    ("whit whit wheeo", "oriole"),
    ("wheeo whit wheeo whit whit", "oriole"),
    ("tsee chip fee bee", "chickadee"),
    ("trill buzz buzz chip", "sparrow"),
]
SPECIES = sorted({s for _, s in SONGS})


def build_syllables(songs):
    vocab = {"<pad>": 0}
    for text, _ in songs:
        for syl in text.split():
            vocab.setdefault(syl, len(vocab))
    return vocab


def to_matrix(rows, width):
    m = np.zeros((len(rows), width))
    for i, row in enumerate(rows):
        row = row[:width]
        m[i, : len(row)] = row
    return m


class SongSet(Dataset):
    def __init__(self, x, y):
        self.x = x
        self.y = y

    def __len__(self):
        return len(self.y)

    def __getitem__(self, i):
        return torch.from_numpy(self.x[i]), torch.tensor(self.y[i])


class SyllableBag(nn.Module):
    def __init__(self, n_syllables, n_species, dim=16):
        super().__init__()
        self.emb = nn.Embedding(n_syllables, dim, padding_idx=0)
        self.out = nn.Linear(dim, n_species)

    def forward(self, ids):
        vecs = self.emb(ids)
        keep = (ids != 0).unsqueeze(-1).float()
        return self.out((vecs * keep).sum(1) / keep.sum(1).clamp(min=1))


def main():
    vocab = build_syllables(SONGS)
    rows = [[vocab[s] for s in text.split()] for text, _ in SONGS]
    labels = [SPECIES.index(s) for _, s in SONGS]
    x = to_matrix(rows, width=6)
    print("syllables:", len(vocab), "matrix:", x.shape)

    loader = DataLoader(SongSet(x, labels), batch_size=4, shuffle=True)
    model = SyllableBag(len(vocab), len(SPECIES))
    opt = torch.optim.Adam(model.parameters(), lr=0.05)
    for epoch in range(5):
        total = 0.0
        for ids, y in loader:
            loss = nn.functional.cross_entropy(model(ids), y)
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item()
        print(f"epoch {epoch} loss {total / len(loader):.3f}")

    model.eval()
    with torch.no_grad():
        preds = model(torch.from_numpy(x)).argmax(-1).tolist()
    acc = sum(p == t for p, t in zip(preds, labels)) / len(labels)
    print(f"train accuracy {acc:.2f}")


if __name__ == "__main__":
    main()
