# Apiary inspection notes -> colony status. GRU baseline, 4-fold CV, OOF log-loss.
import os
import re
import random
from collections import Counter
from functools import partial

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import Dataset, DataLoader


class CFG:
    seed = 2024
    n_folds = 4
    epochs = 3
    batch_size = 4
    lr = 2e-3
    max_len = 24
    emb_dim = 48
    gru_dim = 32
    num_classes = 5
    min_freq = 1


ROWS = [
    {"note": "Brood pattern solid, queen seen on frame four, plenty of stores", "status": "healthy"},
    {"note": "No eggs or young larvae, several emergency queen cells drawn", "status": "queenless"},
    {"note": "Mites visible on drones, deformed wings on a few workers", "status": "varroa"},
    {"note": "Chalky white mummies on the landing board and in cells", "status": "chalkbrood"},
    {"note": "Queen cups charged along bottom bars, colony very crowded", "status": "swarming"},
    {"note": "Calm on the comb, eggs in every cell, nectar coming in well", "status": "healthy"},
    {"note": "Roaring when opened, no queen found, laying workers suspected", "status": "queenless"},
    {"note": "Sugar roll gave twelve mites, treated with oxalic acid", "status": "varroa"},
    {"note": "Hard grey larvae rattling in cells near the edge of brood nest", "status": "chalkbrood"},
    {"note": "Sealed queen cells and bees clustering outside the entrance", "status": "swarming"},
    {"note": "Good temper, capped honey on three frames, added a super", "status": "healthy"},
    {"note": "Spotty brood, no eggs for ten days, introduced a mated queen", "status": "queenless"},
    {"note": "Mite drop on the board high after treatment, crawling bees", "status": "varroa"},
    {"note": "Mummified larvae found during inspection, damp hive floor", "status": "chalkbrood"},
    {"note": "Half the colony left this morning, cluster hanging in the hedge", "status": "swarming"},
    {"note": "Strong colony, queen marked blue, pollen of several colours", "status": "healthy"},
]

CLASSES = sorted({r["status"] for r in ROWS})
CLASS2IDX = {c: i for i, c in enumerate(CLASSES)}


def seed_everything(seed):
    random.seed(seed)
    os.environ["PYTHONHASHSEED"] = str(seed)
    torch.manual_seed(seed)


def words(text):
    return re.findall(r"[a-z]+", text.lower())


class WordVocab:
    def __init__(self, texts, min_freq=1):
        counts = Counter(w for t in texts for w in words(t))
        self.itos = ["<pad>", "<unk>"] + sorted(w for w, c in counts.items() if c >= min_freq)
        self.stoi = {w: i for i, w in enumerate(self.itos)}

    def encode(self, text):
        return [self.stoi.get(w, 1) for w in words(text)][: CFG.max_len]

    def __len__(self):
        return len(self.itos)


class HiveDataset(Dataset):
    def __init__(self, rows, vocab):
        self.rows, self.vocab = rows, vocab

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, i):
        row = self.rows[i]
        return self.vocab.encode(row["note"]), CLASS2IDX[row["status"]]


def pad_collate(batch, pad_idx):
    seqs, ys = zip(*batch)
    width = max(len(s) for s in seqs)
    tok = torch.full((len(seqs), width), pad_idx, dtype=torch.long)
    for i, s in enumerate(seqs):
        tok[i, : len(s)] = torch.tensor(s)
    return tok, torch.tensor(ys)


class HiveNet(nn.Module):
    def __init__(self, vocab_size, n_out):
        super().__init__()
        self.emb = nn.Embedding(vocab_size, CFG.emb_dim, padding_idx=0)
        self.gru = nn.GRU(CFG.emb_dim, CFG.gru_dim, batch_first=True, bidirectional=True)
        self.attn = nn.Linear(2 * CFG.gru_dim, 1)
        self.fc = nn.Linear(2 * CFG.gru_dim, n_out)

    def forward(self, tok):
        h, _ = self.gru(self.emb(tok))
        score = self.attn(h).squeeze(-1).masked_fill(tok == 0, -1e4)
        ctx = (score.softmax(-1).unsqueeze(-1) * h).sum(1)
        return self.fc(ctx)


def get_model(vocab):
    return HiveNet(len(vocab), CFG.num_classes)


def train_fn(model, loader, optimizer):
    model.train()
    running = 0.0
    for tok, y in loader:
        logits = model(tok)
        loss = F.cross_entropy(logits, y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        running += loss.item() * len(y)
    return running / len(loader.dataset)


@torch.no_grad()
def valid_fn(model, loader):
    model.eval()
    return torch.cat([model(tok).softmax(-1) for tok, _ in loader])


if __name__ == "__main__":
    seed_everything(CFG.seed)
    random.shuffle(ROWS)
    for k, r in enumerate(ROWS):
        r["fold"] = k % CFG.n_folds
    vocab = WordVocab([r["note"] for r in ROWS], CFG.min_freq)
    print(f"vocab size {len(vocab)}, classes {CLASSES}")
    collate = partial(pad_collate, pad_idx=0)

    oof = torch.zeros(len(ROWS), CFG.num_classes)
    for fold in range(CFG.n_folds):
        trn = [r for r in ROWS if r["fold"] != fold]
        val_ids = [k for k, r in enumerate(ROWS) if r["fold"] == fold]
        trn_dl = DataLoader(HiveDataset(trn, vocab), CFG.batch_size, shuffle=True, collate_fn=collate)
        val_dl = DataLoader(HiveDataset([ROWS[k] for k in val_ids], vocab), CFG.batch_size, collate_fn=collate)
        model = get_model(vocab)
        opt = torch.optim.Adam(model.parameters(), lr=CFG.lr)
        for ep in range(CFG.epochs):
            print(f"[fold {fold}] epoch {ep} loss {train_fn(model, trn_dl, opt):.4f}")
        oof[val_ids] = valid_fn(model, val_dl)

    truth = torch.tensor([CLASS2IDX[r["status"]] for r in ROWS])
    print(f"OOF log-loss: {F.nll_loss(oof.clamp_min(1e-7).log(), truth).item():.4f}")
