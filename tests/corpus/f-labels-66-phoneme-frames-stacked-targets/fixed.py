"""Frame-level phoneme tagging: each utterance's feature frames are padded per batch, the phoneme targets were
padded once, to the longest utterance the corpus allows."""
import random

import torch
import torch.nn as nn
from torch.nn.utils.rnn import pad_sequence
from torch.utils.data import DataLoader, Dataset

N_PHONES = 12
N_MELS = 20
MAX_FRAMES = 40
IGNORE = -100


class Utterances(Dataset):
    def __init__(self, n, seed):
        g = random.Random(seed)
        self.items = []
        for _ in range(n):
            length = g.randint(10, 30)
            feats = torch.randn(length, N_MELS)
            phones = [g.randrange(N_PHONES) for _ in range(length)]
            self.items.append((feats, phones))

    def __len__(self):
        return len(self.items)

    def __getitem__(self, idx):
        feats, phones = self.items[idx]
        target = torch.full((MAX_FRAMES,), IGNORE, dtype=torch.long)
        target[: len(phones)] = torch.tensor(phones)
        return feats, target


def batchify(samples):
    frames = pad_sequence([s[0] for s in samples], batch_first=True)
    targets = [s[1] for s in samples]
    return frames, torch.stack(targets)[:, :frames.size(1)].contiguous()


class FrameTagger(nn.Module):
    def __init__(self):
        super().__init__()
        self.rnn = nn.GRU(N_MELS, 32, batch_first=True, bidirectional=True)
        self.proj = nn.Linear(64, N_PHONES)

    def forward(self, x):
        h, _ = self.rnn(x)
        return self.proj(h)


torch.manual_seed(0)
train_dl = DataLoader(Utterances(48, 1), batch_size=8, shuffle=True, collate_fn=batchify)
dev_dl = DataLoader(Utterances(16, 2), batch_size=8, collate_fn=batchify)
model = FrameTagger()
opt = torch.optim.Adam(model.parameters(), lr=1e-3)
crit = nn.CrossEntropyLoss(ignore_index=IGNORE)

for epoch in range(2):
    model.train()
    for frames, gold in train_dl:
        scores = model(frames)
        loss = crit(scores.view(-1, N_PHONES), gold.view(-1))
        opt.zero_grad()
        loss.backward()
        opt.step()

    model.eval()
    hits = total = 0
    with torch.no_grad():
        for frames, gold in dev_dl:
            pred = model(frames).argmax(-1)
            keep = gold != IGNORE
            hits += (pred[keep] == gold[keep]).sum().item()
            total += keep.sum().item()
    print(f"epoch {epoch}: frame accuracy {hits / total:.3f}")
