"""Multi-task toxicity classifier on SELFIES strings with a bidirectional GRU.

Each molecule is a SELFIES string; symbols are the bracketed tokens. Three binary
assay endpoints are predicted jointly (missing labels are not used here).
"""
import re

import torch
import torch.nn as nn
from torch.nn.utils.rnn import pad_sequence

torch.manual_seed(0)

SELFIES_SYMBOL = re.compile(r"\[[^\]]*\]")
ASSAYS = ["NR-AR", "SR-p53", "hERG"]

MOLECULES = [
    ("[C][C][O]", [0, 0, 0]),
    ("[C][=C][C][=C][C][=C][Ring1][=Branch1][Cl]", [0, 1, 0]),
    ("[O][=C][Branch1][C][O][C][=C][C][=C][C][=C][Ring1][=Branch1]", [0, 0, 0]),
    ("[C][N][Branch1][C][C][C][C][C][=C][C][=C][C][=C][Ring1][=Branch1]", [0, 0, 1]),
    ("[Br][C][=C][C][=C][Branch1][Ring1][N][O][C][=C][Ring1][Branch2]", [1, 1, 0]),
    ("[C][C][=Branch1][C][=O][O][C][=C][C][=C][C][=C][Ring1][=Branch1][C][Branch1][C][=O][O]", [0, 0, 0]),
    ("[N][#C][C][=C][C][=C][Branch1][C][Cl][C][=C][Ring1][Branch2]", [1, 0, 0]),
    ("[C][N][C][C][N][Branch1][Ring2][C][C][Ring1][=Branch1][C][=C][C][=C][C][=C][Ring1][=Branch1]", [0, 0, 1]),
    ("[O][=N+1][Branch1][C][O-1][C][=C][C][=C][C][=C][Ring1][=Branch1]", [1, 1, 0]),
    ("[F][C][Branch1][C][F][Branch1][C][F][C][=C][C][=C][C][=C][Ring1][=Branch1]", [0, 1, 1]),
    ("[C][C][C][C][C][C][C][C][O]", [0, 0, 0]),
    ("[S][C][=C][C][=C][Ring1][Branch1]", [0, 1, 0]),
]

CONFIG = {
    "embed": 24,
    "hidden": 48,
    "layers": 1,
    "bidirectional": True,
    "dropout": 0.1,
    "lr": 2e-3,
    "epochs": 6,
    "batch": 4,
}


def symbols(selfies):
    return SELFIES_SYMBOL.findall(selfies)


class SymbolTable:
    def __init__(self, corpus):
        self.itos = ["[nop]", "[unk]"]
        for s in corpus:
            for sym in symbols(s):
                if sym not in self.itos:
                    self.itos.append(sym)
        self.stoi = {s: i for i, s in enumerate(self.itos)}

    def __len__(self):
        return len(self.itos)

    def encode(self, selfies):
        return torch.tensor([self.stoi.get(s, 1) for s in symbols(selfies)], dtype=torch.long)


class ToxGRU(nn.Module):
    def __init__(self, n_symbols, n_tasks, cfg):
        super().__init__()
        self.embed = nn.Embedding(n_symbols, cfg["embed"], padding_idx=0)
        self.rnn = nn.GRU(
            cfg["embed"],
            cfg["hidden"],
            num_layers=cfg["layers"],
            batch_first=True,
            bidirectional=cfg["bidirectional"],
        )
        self.classifier = nn.Sequential(
            nn.Linear(cfg["hidden"], cfg["hidden"]),
            nn.ReLU(),
            nn.Dropout(cfg["dropout"]),
            nn.Linear(cfg["hidden"], n_tasks),
        )

    def forward(self, sym_ids, lengths):
        states, _ = self.rnn(self.embed(sym_ids))
        steps = torch.arange(sym_ids.size(1))[None, :]
        valid = (steps < lengths[:, None]).unsqueeze(-1).float()
        mol_vec = (states * valid).sum(1) / lengths[:, None].float()
        return self.classifier(mol_vec)


def make_batch(rows, table):
    seqs = [table.encode(s) for s, _ in rows]
    lengths = torch.tensor([len(s) for s in seqs])
    sym_ids = pad_sequence(seqs, batch_first=True, padding_value=0)
    tox = torch.tensor([y for _, y in rows], dtype=torch.float32)
    return sym_ids, lengths, tox


def main():
    table = SymbolTable(s for s, _ in MOLECULES)
    print(f"{len(table)} SELFIES symbols, {len(MOLECULES)} molecules")
    train, test = MOLECULES[:9], MOLECULES[9:]

    model = ToxGRU(len(table), len(ASSAYS), CONFIG)
    optim = torch.optim.Adam(model.parameters(), lr=CONFIG["lr"])
    criterion = nn.BCEWithLogitsLoss()

    for epoch in range(CONFIG["epochs"]):
        model.train()
        total = 0.0
        for start in range(0, len(train), CONFIG["batch"]):
            sym_ids, lengths, tox = make_batch(train[start:start + CONFIG["batch"]], table)
            logits = model(sym_ids, lengths)
            loss = criterion(logits, tox)
            optim.zero_grad()
            loss.backward()
            optim.step()
            total += loss.item()
        print(f"epoch {epoch + 1}: bce {total:.4f}")

    model.eval()
    with torch.no_grad():
        sym_ids, lengths, tox = make_batch(test, table)
        probs = torch.sigmoid(model(sym_ids, lengths))
    hits = ((probs > 0.5).float() == tox).float().mean(0)
    for name, acc in zip(ASSAYS, hits.tolist()):
        print(f"{name:8s} accuracy {acc:.2f}")


if __name__ == "__main__":
    main()
