"""CTC phone recogniser used to bootstrap phone alignments for a field-recording
corpus. Utterances are length-bucketed so padding stays small; LR follows a
one-cycle schedule. After training, greedy CTC paths give rough phone spans.
"""
import math
import random

import numpy as np
import torch
import torch.nn as nn
from torch.nn.utils.rnn import pad_sequence
from torch.utils.data import DataLoader, Dataset, Sampler

CFG = {
    "seed": 3,
    "n_utts": 150,
    "feat_dim": 24,
    "hidden": 64,
    "batch_size": 16,
    "n_buckets": 4,
    "epochs": 3,
    "max_lr": 3e-3,
    "pct_start": 0.3,
}

PHONES = ["<blank>", "a", "e", "i", "o", "u", "p", "t", "k", "m", "n", "s", "h", "r", "w", "j", "ŋ", "ʔ"]

random.seed(CFG["seed"])
np.random.seed(CFG["seed"])
torch.manual_seed(CFG["seed"])
PROTOTYPES = np.random.randn(len(PHONES), CFG["feat_dim"]).astype(np.float32)


def synth_utterance():
    phones = [random.randint(1, len(PHONES) - 1) for _ in range(random.randint(4, 12))]
    frames, spans, t = [], [], 0
    for p in phones:
        dur = random.randint(3, 8)
        frames.append(PROTOTYPES[p] + 0.4 * np.random.randn(dur, CFG["feat_dim"]).astype(np.float32))
        spans.append((p, t, t + dur))
        t += dur
    return torch.from_numpy(np.concatenate(frames)), torch.tensor(phones), spans


class FieldCorpus(Dataset):
    def __init__(self, n):
        self.items = [synth_utterance() for _ in range(n)]

    def __len__(self):
        return len(self.items)

    def __getitem__(self, i):
        feats, phones, _ = self.items[i]
        return feats, phones


class BucketBatchSampler(Sampler):
    def __init__(self, lengths, batch_size, n_buckets, shuffle=True):
        order = np.argsort(lengths)
        self.buckets = np.array_split(order, n_buckets)
        self.batch_size, self.shuffle = batch_size, shuffle

    def _batches(self):
        out = []
        for bucket in self.buckets:
            idx = np.random.permutation(bucket) if self.shuffle else bucket
            out += [idx[i:i + self.batch_size].tolist() for i in range(0, len(idx), self.batch_size)]
        if self.shuffle:
            random.shuffle(out)
        return out

    def __iter__(self):
        return iter(self._batches())

    def __len__(self):
        return sum(math.ceil(len(b) / self.batch_size) for b in self.buckets)


def collate_ctc(batch):
    feats, phones = zip(*batch)
    return (pad_sequence(feats, batch_first=True),
            torch.tensor([len(f) for f in feats]),
            torch.cat(phones),
            torch.tensor([len(p) for p in phones]))


class PhoneCTC(nn.Module):
    def __init__(self, feat_dim, hidden, n_phones):
        super().__init__()
        self.rnn = nn.GRU(feat_dim, hidden, batch_first=True, bidirectional=True)
        self.out = nn.Linear(2 * hidden, n_phones)

    def forward(self, x):
        h, _ = self.rnn(x)
        return self.out(h).log_softmax(-1)


def greedy_spans(logp, n_frames):
    path = logp[:n_frames].argmax(-1).tolist()
    spans, prev = [], 0
    for t, p in enumerate(path):
        if p != 0 and p != prev:
            spans.append([PHONES[p], t, t + 1])
        elif p != 0 and spans:
            spans[-1][2] = t + 1
        prev = p
    return spans


corpus = FieldCorpus(CFG["n_utts"])
lengths = [len(f) for f, _, _ in corpus.items]
sampler = BucketBatchSampler(lengths, CFG["batch_size"], CFG["n_buckets"])
loader = DataLoader(corpus, batch_sampler=sampler, collate_fn=collate_ctc)

model = PhoneCTC(CFG["feat_dim"], CFG["hidden"], len(PHONES))
ctc = nn.CTCLoss(blank=0, zero_infinity=True)
optimizer = torch.optim.AdamW(model.parameters(), lr=CFG["max_lr"] / 25)
steps_per_epoch = math.ceil(len(corpus) / CFG["batch_size"])
scheduler = torch.optim.lr_scheduler.OneCycleLR(
    optimizer, max_lr=CFG["max_lr"], epochs=CFG["epochs"],
    steps_per_epoch=steps_per_epoch, pct_start=CFG["pct_start"],
)

global_step = 0
for epoch in range(CFG["epochs"]):
    model.train()
    running = 0.0
    for feats, feat_lens, targets, target_lens in loader:
        logp = model(feats)
        loss = ctc(logp.transpose(0, 1), targets, feat_lens, target_lens)
        optimizer.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        scheduler.step()
        running += loss.item()
        global_step += 1
    print(f"epoch {epoch} step {global_step} ctc {running / len(loader):.3f} "
          f"lr {scheduler.get_last_lr()[0]:.2e}")

model.eval()
feats, phones, gold = corpus.items[0]
with torch.no_grad():
    logp = model(feats.unsqueeze(0))[0]
print("gold:", [(PHONES[p], s, e) for p, s, e in gold])
print("pred:", greedy_spans(logp, len(feats)))
