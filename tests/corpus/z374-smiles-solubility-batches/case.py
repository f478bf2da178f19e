# Aqueous solubility (logS) regression from SMILES strings with a char-level GRU.
# Molecules are assembled from random fragments; the target is a noisy
# function of simple composition counts so the model has something to learn.
import random

import numpy as np
import torch
import torch.nn as nn

SEED = 11
MAX_LEN = 64
CONFIG = {
    "n_molecules": 800,
    "batch_size": 32,
    "epochs": 1,
    "emb": 32,
    "hidden": 64,
    "lr": 1e-3,
}

FRAGMENTS = ["C", "CC", "CCC", "O", "N", "c1ccccc1", "C(=O)O", "C(=O)N", "Cl", "F", "Br", "OC", "C#N", "S", "CO"]
SPECIALS = ["<pad>", "<unk>"]
CHARSET = SPECIALS + sorted(set("".join(FRAGMENTS) + "()=#[]@+-123456789"))
CHAR2IDX = {ch: i for i, ch in enumerate(CHARSET)}
PAD_IDX = CHAR2IDX["<pad>"]


def random_molecule(rng):
    n_frag = rng.randint(2, 9)
    return "".join(rng.choice(FRAGMENTS) for _ in range(n_frag))


def fake_logS(smiles, rng):
    polar = smiles.count("O") + smiles.count("N")
    halogen = smiles.count("Cl") + smiles.count("Br") + smiles.count("F")
    aromatic = smiles.count("c1ccccc1")
    carbons = smiles.count("C") + smiles.count("c")
    return 0.6 * polar - 0.4 * halogen - 0.9 * aromatic - 0.15 * carbons + rng.gauss(0, 0.2)


def tokenize(smiles):
    return [CHAR2IDX.get(ch, CHAR2IDX["<unk>"]) for ch in smiles][:MAX_LEN]


def encode_batch(smiles_batch):
    token_ids = [tokenize(s) for s in smiles_batch]
    return torch.tensor(token_ids, dtype=torch.long)


def iterate_batches(smiles, targets, batch_size, shuffle, rng):
    order = list(range(len(smiles)))
    if shuffle:
        rng.shuffle(order)
    for start in range(0, len(order), batch_size):
        idx = order[start:start + batch_size]
        x = encode_batch([smiles[i] for i in idx])
        y = torch.tensor(targets[idx], dtype=torch.float32)
        yield x, y


class SmilesGRU(nn.Module):
    def __init__(self, vocab_size, emb, hidden):
        super().__init__()
        self.embed = nn.Embedding(vocab_size, emb, padding_idx=PAD_IDX)
        self.gru = nn.GRU(emb, hidden, batch_first=True, bidirectional=True)
        self.readout = nn.Sequential(nn.Linear(2 * hidden, hidden), nn.SiLU(), nn.Linear(hidden, 1))

    def forward(self, tokens):
        mask = (tokens != PAD_IDX).unsqueeze(-1).float()
        out, _ = self.gru(self.embed(tokens))
        pooled = (out * mask).sum(1) / mask.sum(1).clamp(min=1.0)
        return self.readout(pooled).squeeze(-1)


def run():
    rng = random.Random(SEED)
    torch.manual_seed(SEED)
    smiles = [random_molecule(rng) for _ in range(CONFIG["n_molecules"])]
    logS = np.array([fake_logS(s, rng) for s in smiles], dtype=np.float32)
    logS = (logS - logS.mean()) / logS.std()

    cut = int(0.85 * len(smiles))
    tr_smiles, va_smiles = smiles[:cut], smiles[cut:]
    tr_y, va_y = logS[:cut], logS[cut:]

    model = SmilesGRU(len(CHARSET), CONFIG["emb"], CONFIG["hidden"])
    optim = torch.optim.Adam(model.parameters(), lr=CONFIG["lr"])
    loss_fn = nn.MSELoss()

    for epoch in range(CONFIG["epochs"]):
        model.train()
        running = []
        for x, y in iterate_batches(tr_smiles, tr_y, CONFIG["batch_size"], True, rng):
            loss = loss_fn(model(x), y)
            optim.zero_grad()
            loss.backward()
            optim.step()
            running.append(loss.item())
        model.eval()
        with torch.no_grad():
            preds, gold = [], []
            for x, y in iterate_batches(va_smiles, va_y, 128, False, rng):
                preds.append(model(x))
                gold.append(y)
            rmse = torch.sqrt(((torch.cat(preds) - torch.cat(gold)) ** 2).mean()).item()
        print(f"epoch {epoch}: train mse {np.mean(running):.3f}  val rmse {rmse:.3f}")


if __name__ == "__main__":
    run()
