import re
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, Dataset, random_split

SEED = 2024
N_MOLECULES = 240
MAX_LEN = 64
EMBED_DIM = 24
CONV_CHANNELS = 48
KERNEL_SIZE = 5
BATCH_SIZE = 16
N_EPOCHS = 4
LR = 2e-3
ATOM_REGEX = re.compile(r"Cl|Br|[BCNOSPFI]|[cnos]")
DESCRIPTOR_ATOMS = ("C", "N", "O", "S", "F", "Cl", "Br")
N_DESCRIPTORS = len(DESCRIPTOR_ATOMS)
VOCAB = ["<pad>", "<unk>"] + list("CNOSPFIBrlcnos()[]=#+-123456@H")
STOI = {ch: i for i, ch in enumerate(VOCAB)}

BUILDING_BLOCKS = [
    "CCO", "c1ccccc1", "C(=O)O", "CN(C)C", "C(F)(F)F", "c1ccncc1", "Cl", "Br",
    "OC", "S(=O)(=O)N", "C1CCNCC1", "C#N", "c1ccsc1", "CC(C)C",
]


@dataclass
class Molecule:
    smiles: str
    target: float


def random_smiles(rng):
    k = int(rng.integers(2, 6))
    return "".join(rng.choice(BUILDING_BLOCKS) for _ in range(k))


def atoms_of(smiles):
    return ATOM_REGEX.findall(smiles)


def fake_logp(smiles):
    weights = {"C": 0.5, "c": 0.3, "N": -0.6, "n": -0.4, "O": -0.7, "S": 0.2, "s": 0.3,
               "F": 0.4, "Cl": 0.7, "Br": 0.9, "o": -0.2}
    return sum(weights.get(a, 0.0) for a in atoms_of(smiles)) + 0.05 * smiles.count("(")


def descriptors(smiles):
    atoms = atoms_of(smiles)
    counts = [sum(a.upper() == sym.upper() for a in atoms) for sym in DESCRIPTOR_ATOMS]
    n_ring_bonds = sum(ch.isdigit() for ch in smiles) / 2
    frac_aromatic = sum(a.islower() for a in atoms) / max(len(atoms), 1)
    return [float(c) for c in counts] + [n_ring_bonds, frac_aromatic]


def encode(smiles):
    ids = [STOI.get(ch, STOI["<unk>"]) for ch in smiles[:MAX_LEN]]
    return ids + [STOI["<pad>"]] * (MAX_LEN - len(ids))


class SmilesDescDataset(Dataset):
    def __init__(self, molecules):
        self.tokens = torch.tensor([encode(m.smiles) for m in molecules], dtype=torch.long)
        desc = np.array([descriptors(m.smiles) for m in molecules], dtype=np.float32)
        self.desc = torch.from_numpy((desc - desc.mean(0)) / (desc.std(0) + 1e-6))
        self.y = torch.tensor([m.target for m in molecules], dtype=torch.float32)

    def __len__(self):
        return len(self.y)

    def __getitem__(self, i):
        return {"tokens": self.tokens[i], "desc": self.desc[i], "y": self.y[i]}


class FusionRegressor(nn.Module):
    def __init__(self, vocab_size, embed_dim, channels, kernel_size, n_desc):
        super().__init__()
        self.embed = nn.Embedding(vocab_size, embed_dim, padding_idx=0)
        self.conv = nn.Conv1d(embed_dim, channels, kernel_size, padding=kernel_size // 2)
        self.mlp = nn.Sequential(
            nn.Linear(channels + n_desc, 64),
            nn.ReLU(),
            nn.Dropout(0.1),
            nn.Linear(64, 1),
        )

    def forward(self, tokens, desc):
        x = self.embed(tokens).transpose(1, 2)
        x = torch.relu(self.conv(x)).max(dim=-1).values
        return self.mlp(torch.cat([x, desc], dim=-1)).squeeze(-1)


def run_epoch(model, loader, loss_fn, opt=None):
    model.train(opt is not None)
    total, n = 0.0, 0
    for batch in loader:
        with torch.set_grad_enabled(opt is not None):
            pred = model(batch["tokens"], batch["desc"])
            loss = loss_fn(pred, batch["y"])
        if opt is not None:
            opt.zero_grad()
            loss.backward()
            opt.step()
        total += loss.item() * len(pred)
        n += len(pred)
    return total / n


def main():
    rng = np.random.default_rng(SEED)
    torch.manual_seed(SEED)
    smiles = [random_smiles(rng) for _ in range(N_MOLECULES)]
    noise = rng.normal(0.0, 0.2, size=N_MOLECULES)
    molecules = [Molecule(s, fake_logp(s) + float(e)) for s, e in zip(smiles, noise)]

    dataset = SmilesDescDataset(molecules)
    n_val = N_MOLECULES // 5
    train_ds, val_ds = random_split(dataset, [N_MOLECULES - n_val, n_val],
                                    generator=torch.Generator().manual_seed(SEED))
    train_dl = DataLoader(train_ds, batch_size=BATCH_SIZE, shuffle=True)
    val_dl = DataLoader(val_ds, batch_size=BATCH_SIZE)

    model = FusionRegressor(len(VOCAB), EMBED_DIM, CONV_CHANNELS, KERNEL_SIZE, N_DESCRIPTORS)
    opt = torch.optim.Adam(model.parameters(), lr=LR)
    loss_fn = nn.MSELoss()

    for epoch in range(N_EPOCHS):
        tr = run_epoch(model, train_dl, loss_fn, opt)
        va = run_epoch(model, val_dl, loss_fn)
        print(f"epoch {epoch}: train mse {tr:.3f}  val mse {va:.3f}")


if __name__ == "__main__":
    main()
