"""Predict aqueous solubility (logS) of small molecules from SMILES strings.

Character-level transformer encoder with a learned [CLS] summary vector that
is read out by a regression head.
"""
import random

import torch
import torch.nn as nn
from torch.nn.utils.rnn import pad_sequence
from torch.utils.data import DataLoader

CONFIG = {
    "d_model": 48,
    "n_heads": 4,
    "n_layers": 2,
    "ff_dim": 96,
    "batch_size": 12,
    "epochs": 1,
    "lr": 3e-4,
    "seed": 11,
}

ALPHABET = list("CNOSPFIBrcl()=#123456[]+-@H")
PAD = 0
CHAR_TO_ID = {ch: i + 1 for i, ch in enumerate(ALPHABET)}

FRAGMENTS = ["C", "CC", "O", "N", "c1ccccc1", "C(=O)O", "Cl", "Br", "C#N", "S", "OC", "N(C)C"]


def random_molecule(rng):
    smiles = "".join(rng.choice(FRAGMENTS) for _ in range(rng.randint(2, 6)))
    hetero = sum(smiles.count(a) for a in "NOS")
    log_s = 0.4 * hetero - 0.15 * len(smiles) + rng.gauss(0, 0.2)
    return smiles, log_s


def encode(smiles):
    return torch.tensor([CHAR_TO_ID[ch] for ch in smiles], dtype=torch.long)


def collate_molecules(batch):
    seqs = [encode(s) for s, _ in batch]
    token_ids = pad_sequence(seqs, batch_first=True, padding_value=PAD)
    pad_mask = token_ids == PAD
    targets = torch.tensor([y for _, y in batch], dtype=torch.float32)
    return token_ids, pad_mask, targets


class SolubilityEncoder(nn.Module):
    def __init__(self, vocab_size, d_model, n_heads, n_layers, ff_dim, max_len=256):
        super().__init__()
        self.tok = nn.Embedding(vocab_size, d_model, padding_idx=PAD)
        self.pos = nn.Embedding(max_len, d_model)
        self.cls = nn.Parameter(torch.zeros(1, 1, d_model))
        layer = nn.TransformerEncoderLayer(d_model, n_heads, ff_dim, dropout=0.1, batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, n_layers, enable_nested_tensor=False)
        self.head = nn.Sequential(nn.LayerNorm(d_model), nn.Linear(d_model, 1))

    def forward(self, token_ids, pad_mask):
        x = self.tok(token_ids)
        x = torch.cat([self.cls.expand(x.size(0), -1, -1), x], dim=1)
        positions = torch.arange(x.size(1), device=x.device)
        x = x + self.pos(positions)
        h = self.encoder(x, src_key_padding_mask=pad_mask)
        return self.head(h[:, 0]).squeeze(-1)


def run():
    rng = random.Random(CONFIG["seed"])
    torch.manual_seed(CONFIG["seed"])
    train = [random_molecule(rng) for _ in range(120)]
    loader = DataLoader(train, batch_size=CONFIG["batch_size"], shuffle=True,
                        collate_fn=collate_molecules)

    model = SolubilityEncoder(len(CHAR_TO_ID) + 1, CONFIG["d_model"], CONFIG["n_heads"],
                              CONFIG["n_layers"], CONFIG["ff_dim"])
    opt = torch.optim.AdamW(model.parameters(), lr=CONFIG["lr"])
    loss_fn = nn.MSELoss()

    for epoch in range(CONFIG["epochs"]):
        model.train()
        total = 0.0
        for token_ids, pad_mask, log_s in loader:
            pred = model(token_ids, pad_mask)
            loss = loss_fn(pred, log_s)
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item() * len(log_s)
        print(f"epoch {epoch + 1}: mse {total / len(train):.3f}")


if __name__ == "__main__":
    run()
