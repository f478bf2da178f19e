import random

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, Dataset

random.seed(5)
torch.manual_seed(5)

MAX_TARGETS = 16
TAGS = ["O", "QTY", "UNIT", "CARGO", "PORT"]

MANIFEST_LINES = [
    ("40 tonnes steel coils to rotterdam", "QTY UNIT CARGO CARGO O PORT"),
    ("12 pallets coffee beans for santos", "QTY UNIT CARGO CARGO O PORT"),
    ("300 barrels palm oil via singapore", "QTY UNIT CARGO CARGO O PORT"),
    ("8 containers frozen shrimp to busan", "QTY UNIT CARGO CARGO O PORT"),
    ("25 crates machine parts bound for hamburg", "QTY UNIT CARGO CARGO O O PORT"),
    ("150 bales cotton to mombasa", "QTY UNIT CARGO O PORT"),
    ("6 drums solvent via antwerp", "QTY UNIT CARGO O PORT"),
    ("90 sacks rice for chittagong", "QTY UNIT CARGO O PORT"),
]


class ManifestDataset(Dataset):
    def __init__(self, lines):
        words = sorted({w for text, _ in lines for w in text.split()})
        self.word2id = {w: i + 1 for i, w in enumerate(words)}
        self.tag2id = {t: i for i, t in enumerate(TAGS)}
        self.items = []
        for text, tags in lines:
            ids = [self.word2id[w] for w in text.split()]
            tag_ids = [self.tag2id[t] for t in tags.split()]
            assert len(ids) == len(tag_ids)
            self.items.append((ids, tag_ids))

    def __len__(self):
        return len(self.items)

    def __getitem__(self, idx):
        return self.items[idx]


def collate_manifest(batch):
    longest = max(len(ids) for ids, _ in batch)
    inputs = torch.zeros(len(batch), longest, dtype=torch.long)
    targets = torch.full((len(batch), MAX_TARGETS), -100, dtype=torch.long)
    for row, (ids, tag_ids) in enumerate(batch):
        inputs[row, :len(ids)] = torch.tensor(ids)
        targets[row, :len(tag_ids)] = torch.tensor(tag_ids)
    return inputs, targets


class GRUTagger(nn.Module):
    def __init__(self, vocab_size, n_tags, emb=32, hidden=48):
        super().__init__()
        self.embed = nn.Embedding(vocab_size, emb, padding_idx=0)
        self.gru = nn.GRU(emb, hidden, batch_first=True, bidirectional=True)
        self.out = nn.Linear(2 * hidden, n_tags)

    def forward(self, x):
        h, _ = self.gru(self.embed(x))
        return self.out(h)


def main():
    ds = ManifestDataset(MANIFEST_LINES)
    loader = DataLoader(ds, batch_size=4, shuffle=True, collate_fn=collate_manifest)
    model = GRUTagger(len(ds.word2id) + 1, len(TAGS))
    opt = torch.optim.Adam(model.parameters(), lr=1e-2)
    print(f"{len(ds)} manifest lines, vocab {len(ds.word2id)}, tags {TAGS}")

    for epoch in range(30):
        total = 0.0
        for inputs, targets in loader:
            logits = model(inputs)
            loss = F.cross_entropy(logits.reshape(-1, len(TAGS)), targets.reshape(-1), ignore_index=-100)
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item()
        if epoch % 10 == 0:
            print(f"epoch {epoch:2d} loss {total / len(loader):.4f}")

    model.eval()
    inputs, targets = collate_manifest([ds[0], ds[5]])
    with torch.no_grad():
        pred = model(inputs).argmax(-1)
    for row in range(len(pred)):
        n = int((inputs[row] != 0).sum())
        print([TAGS[t] for t in pred[row, :n].tolist()])


if __name__ == "__main__":
    main()
