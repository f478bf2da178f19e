from dataclasses import dataclass

import torch
import torch.nn as nn
from accelerate import Accelerator
from torch.utils.data import DataLoader, TensorDataset


@dataclass
class SolubilityConfig:
    emb_dim: int = 32
    hidden: int = 48
    max_len: int = 32
    batch_size: int = 4
    lr: float = 3e-3
    epochs: int = 2
    vocab_size: int = 0
    seed: int = 13


TRAIN = [
    ("CCO", -0.77), ("CCCO", -0.61), ("CCCCO", 0.0), ("CC(C)O", -0.05), ("OCCO", 1.1),
    ("c1ccccc1", -1.64), ("Cc1ccccc1", -2.21), ("Oc1ccccc1", 0.0), ("Nc1ccccc1", -0.41),
    ("CC(=O)O", 1.22), ("CCC(=O)O", 1.0), ("CC(=O)OC", 0.46), ("CCN", 1.0), ("CCCCCC", -3.84),
    ("C1CCCCC1", -3.1), ("CC#N", 0.26), ("O=C1CCCCC1", -0.6), ("CCOCC", -0.09), ("NC(=O)N", 0.96),
    ("CC(C)(C)O", 0.5), ("OC1CCCCC1", -0.44), ("CCCCCCO", -1.24), ("c1ccc2ccccc2c1", -3.6),
    ("CN(C)C=O", 1.1),
]

VALID = [
    ("ClCCl", -0.63), ("Clc1ccccc1", -2.38), ("Brc1ccccc1", -2.55), ("CCBr", -1.09),
    ("Fc1ccccc1", -1.8), ("CCS", -0.6), ("CC(=O)N", 1.58), ("CCCN", 1.23),
]


def build_vocab(smiles_list):
    stoi = {"<pad>": 0, "<unk>": 1}
    for ch in sorted({c for s in smiles_list for c in s}):
        stoi[ch] = len(stoi)
    return stoi


def encode(smiles, stoi, max_len):
    ids = [stoi.get(ch, stoi["<unk>"]) for ch in smiles[:max_len]]
    return ids + [0] * (max_len - len(ids))


def to_dataset(rows, stoi, cfg):
    x = torch.tensor([encode(s, stoi, cfg.max_len) for s, _ in rows])
    y = torch.tensor([v for _, v in rows], dtype=torch.float32)
    return TensorDataset(x, y)


class SmilesRegressor(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.embed = nn.Embedding(cfg.vocab_size, cfg.emb_dim, padding_idx=0)
        self.rnn = nn.GRU(cfg.emb_dim, cfg.hidden, batch_first=True)
        self.head = nn.Linear(cfg.hidden, 1)

    def forward(self, tokens):
        _, h = self.rnn(self.embed(tokens))
        return self.head(h[-1]).squeeze(-1)


def run(cfg):
    torch.manual_seed(cfg.seed)
    accelerator = Accelerator(cpu=True)
    stoi = build_vocab([s for s, _ in TRAIN])
    cfg.vocab_size = len(stoi)

    train_dl = DataLoader(to_dataset(TRAIN, stoi, cfg), batch_size=cfg.batch_size, shuffle=True)
    valid_dl = DataLoader(to_dataset(VALID, stoi, cfg), batch_size=cfg.batch_size)
    model = SmilesRegressor(cfg)
    optim = torch.optim.AdamW(model.parameters(), lr=cfg.lr)
    model, optim, train_dl, valid_dl = accelerator.prepare(model, optim, train_dl, valid_dl)
    loss_fn = nn.MSELoss()

    for epoch in range(cfg.epochs):
        model.train()
        for tokens, target in train_dl:
            loss = loss_fn(model(tokens), target)
            accelerator.backward(loss)
            optim.step()
            optim.zero_grad()

        model.eval()
        errors = []
        with torch.no_grad():
            for tokens, target in valid_dl:
                pred = model(tokens)
                errors.append(accelerator.gather_for_metrics((pred - target).abs()))
        mae = torch.cat(errors).mean().item()
        accelerator.print(f"epoch {epoch} train_loss={loss.item():.3f} valid_mae={mae:.3f}")


if __name__ == "__main__":
    run(SolubilityConfig())
