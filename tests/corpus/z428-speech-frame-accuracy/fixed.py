"""Frame-level phone classifier on synthetic filterbank features.

Train a small BiLSTM tagger for a couple of epochs, then report frame accuracy
per utterance on a held-out split.
"""
import random

import torch
import torch.nn as nn
from torch.nn.utils.rnn import pad_sequence, pack_padded_sequence, pad_packed_sequence
from torch.utils.data import Dataset, DataLoader

torch.manual_seed(0)
random.seed(0)

N_MELS = 40
N_PHONES = 12
HOP_MS = 10


class SyntheticUtterances(Dataset):
    def __init__(self, n_utts, min_frames=30, max_frames=90):
        self.items = []
        for _ in range(n_utts):
            n_frames = random.randint(min_frames, max_frames)
            fbank = torch.randn(n_frames, N_MELS)
            phones = torch.randint(0, N_PHONES, (n_frames,))
            self.items.append((fbank, phones))

    def __len__(self):
        return len(self.items)

    def __getitem__(self, idx):
        return self.items[idx]


def collate_utts(batch):
    feats = [b[0] for b in batch]
    phones = [b[1] for b in batch]
    lengths = torch.tensor([f.size(0) for f in feats])
    padded_feats = pad_sequence(feats, batch_first=True)
    padded_phones = pad_sequence(phones, batch_first=True, padding_value=-100)
    return padded_feats, padded_phones, lengths, phones


class FrameTagger(nn.Module):
    def __init__(self, n_in=N_MELS, hidden=64, n_out=N_PHONES):
        super().__init__()
        self.norm = nn.LayerNorm(n_in)
        self.rnn = nn.LSTM(n_in, hidden, batch_first=True, bidirectional=True)
        self.proj = nn.Linear(2 * hidden, n_out)

    def forward(self, x, lengths):
        x = self.norm(x)
        packed = pack_padded_sequence(x, lengths, batch_first=True, enforce_sorted=False)
        out, _ = self.rnn(packed)
        out, _ = pad_packed_sequence(out, batch_first=True, total_length=x.size(1))
        return self.proj(out)


def frame_accuracy(logits, utt_phones):
    """Per-utterance frame accuracy, ignoring padding."""
    preds = logits.argmax(dim=-1)
    scores = []
    for b, ref in enumerate(utt_phones):
        hits = 0
        for t in range(len(ref)):
            hits += int(preds[b, t] == ref[t])
        scores.append(hits / len(ref))
    return scores


train_ds = SyntheticUtterances(24)
dev_ds = SyntheticUtterances(8)
train_dl = DataLoader(train_ds, batch_size=4, shuffle=True, collate_fn=collate_utts)
dev_dl = DataLoader(dev_ds, batch_size=4, shuffle=False, collate_fn=collate_utts)

model = FrameTagger()
optim = torch.optim.Adam(model.parameters(), lr=2e-3)
criterion = nn.CrossEntropyLoss(ignore_index=-100)

for epoch in range(1):
    model.train()
    total = 0.0
    for feats, phones, lengths, _ in train_dl:
        logits = model(feats, lengths)
        loss = criterion(logits.reshape(-1, N_PHONES), phones.reshape(-1))
        optim.zero_grad()
        loss.backward()
        optim.step()
        total += loss.item()
    print(f"epoch {epoch}: train loss {total / len(train_dl):.4f}")

model.eval()
all_scores = []
with torch.no_grad():
    for feats, phones, lengths, utt_phones in dev_dl:
        logits = model(feats, lengths)
        all_scores.extend(frame_accuracy(logits, utt_phones))

for i, acc in enumerate(all_scores):
    dur = len(dev_ds[i][1]) * HOP_MS / 1000
    print(f"utt {i:02d} ({dur:.2f}s): frame acc {acc:.3f}")
print(f"mean frame accuracy: {sum(all_scores) / len(all_scores):.3f}")
