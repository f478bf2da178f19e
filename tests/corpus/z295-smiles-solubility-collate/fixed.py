"""Predict aqueous solubility (logS) from SMILES strings with a small GRU encoder."""
import random
from dataclasses import dataclass, field

import torch
import torch.nn as nn
from torch.utils.data import DataLoader, Dataset


@dataclass
class SolubilityConfig:
    max_len: int = 40
    batch_size: int = 16
    emb_dim: int = 32
    hidden_dim: int = 32
    epochs: int = 1
    lr: float = 2e-3
    seed: int = 11
    alphabet: list = field(default_factory=lambda: list("CNOSPFIBrcl()=#[]@+-123456789Hno"))


FRAGMENTS = ["C", "CC", "O", "N", "c1ccccc1", "C(=O)O", "Cl", "Br", "C#N", "S", "OC", "N(C)C",
             "c1ccncc1", "C(F)(F)F", "[NH3+]", "C=C", "CCO", "[O-]"]


def random_smiles(rng):
    return "".join(rng.choice(FRAGMENTS) for _ in range(rng.randint(3, 14)))


def fake_logS(smiles):
    polar = sum(smiles.count(ch) for ch in "ONn+-")
    return 0.4 * polar - 0.08 * len(smiles) + random.gauss(0, 0.3)


class SmilesVocab:
    PAD, UNK = 0, 1

    def __init__(self, alphabet):
        self.stoi = {ch: i + 2 for i, ch in enumerate(dict.fromkeys(alphabet))}

    def __len__(self):
        return len(self.stoi) + 2

    def encode(self, smiles):
        return [self.stoi.get(ch, self.UNK) for ch in smiles]


class SolubilitySet(Dataset):
    def __init__(self, n, vocab, rng):
        self.items = []
        for _ in range(n):
            smi = random_smiles(rng)
            self.items.append((vocab.encode(smi), fake_logS(smi)))

    def __len__(self):
        return len(self.items)

    def __getitem__(self, idx):
        return self.items[idx]


def make_collate(cfg, vocab):
    def collate(batch):
        seqs = [ids[: cfg.max_len] for ids, _ in batch]
        width = max(len(s) for s in seqs)
        ids = torch.tensor([s + [vocab.PAD] * (width - len(s)) for s in seqs], dtype=torch.long)
        mask = ids.ne(vocab.PAD)
        targets = torch.tensor([y for _, y in batch], dtype=torch.float)
        return ids, mask, targets
    return collate


class GRURegressor(nn.Module):
    def __init__(self, vocab_size, cfg):
        super().__init__()
        self.emb = nn.Embedding(vocab_size, cfg.emb_dim, padding_idx=SmilesVocab.PAD)
        self.gru = nn.GRU(cfg.emb_dim, cfg.hidden_dim, batch_first=True, bidirectional=True)
        self.head = nn.Sequential(nn.Linear(2 * cfg.hidden_dim, 32), nn.ReLU(), nn.Linear(32, 1))

    def forward(self, ids, mask):
        states, _ = self.gru(self.emb(ids))
        m = mask.unsqueeze(-1).float()
        pooled = (states * m).sum(1) / m.sum(1).clamp(min=1.0)
        return self.head(pooled).squeeze(-1)


def run(cfg):
    rng = random.Random(cfg.seed)
    random.seed(cfg.seed)
    torch.manual_seed(cfg.seed)
    vocab = SmilesVocab(cfg.alphabet)
    train_set = SolubilitySet(128, vocab, rng)
    loader = DataLoader(train_set, batch_size=cfg.batch_size, shuffle=True,
                        collate_fn=make_collate(cfg, vocab))
    model = GRURegressor(len(vocab), cfg)
    opt = torch.optim.Adam(model.parameters(), lr=cfg.lr)

    for epoch in range(cfg.epochs):
        total = 0.0
        for ids, mask, targets in loader:
            pred = model(ids, mask)
            loss = nn.functional.mse_loss(pred, targets)
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item() * ids.size(0)
        print(f"epoch {epoch}: mse {total / len(train_set):.3f}")


if __name__ == "__main__":
    run(SolubilityConfig())
