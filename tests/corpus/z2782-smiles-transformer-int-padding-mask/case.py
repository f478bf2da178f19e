import math
import random
from dataclasses import dataclass
from typing import Dict, List, Tuple

import torch
import torch.nn as nn
from torch.utils.data import DataLoader

SEED = 2024
N_MOLS = 300
VALID_FRAC = 0.2
BATCH_SIZE = 24
D_MODEL = 32
N_HEADS = 4
FF_DIM = 64
N_LAYERS = 2
MAX_LEN = 128
EPOCHS = 3
LR = 1e-3
PAD_TOKEN = "_"
ATOMS = ["C", "c", "N", "n", "O", "S", "F"]
BONDS = ["", "", "", "=", "#"]
RING_SYSTEMS = ["c1ccccc1", "c1ccncc1", "C1CCCCC1", "C1CCNCC1", "c1ccsc1"]


def random_chain(rng: random.Random) -> str:
    parts = [rng.choice(BONDS) + rng.choice(ATOMS) for _ in range(rng.randint(2, 8))]
    if rng.random() < 0.6:
        parts.insert(rng.randrange(len(parts)), rng.choice(RING_SYSTEMS))
    if rng.random() < 0.4:
        parts.append("(" + rng.choice(ATOMS) + ")")
    return "".join(parts).lstrip("=#")


def bbb_label(smi: str) -> int:
    tpsa_proxy = sum(smi.count(a) for a in "NnO") * 12
    aromatic = smi.count("c")
    return int(tpsa_proxy < 40 and aromatic >= 3)


def char_vocab(corpus: List[str]) -> Dict[str, int]:
    alphabet = sorted({ch for smi in corpus for ch in smi})
    return {ch: i for i, ch in enumerate([PAD_TOKEN] + alphabet)}


def split(items: List, frac: float, rng: random.Random) -> Tuple[List, List]:
    idx = list(range(len(items)))
    rng.shuffle(idx)
    cut = int(len(idx) * frac)
    return [items[i] for i in idx[cut:]], [items[i] for i in idx[:cut]]


@dataclass
class MolBatch:
    ids: torch.Tensor
    pad_mask: torch.Tensor
    labels: torch.Tensor


def collate_smiles(records: List[Tuple[List[int], int]]) -> MolBatch:
    toks, ys = zip(*records)
    width = max(len(t) for t in toks)
    ids = torch.tensor([t + [0] * (width - len(t)) for t in toks], dtype=torch.long)
    pad_mask = torch.tensor([[0] * len(t) + [1] * (width - len(t)) for t in toks])
    return MolBatch(ids=ids, pad_mask=pad_mask, labels=torch.tensor(ys, dtype=torch.float32))


def sinusoid_table(n_pos: int, dim: int) -> torch.Tensor:
    pos = torch.arange(n_pos).unsqueeze(1).float()
    freq = torch.exp(torch.arange(0, dim, 2).float() * (-math.log(10000.0) / dim))
    table = torch.zeros(n_pos, dim)
    table[:, 0::2], table[:, 1::2] = torch.sin(pos * freq), torch.cos(pos * freq)
    return table


class SmilesTransformerClassifier(nn.Module):
    def __init__(self, n_tokens: int):
        super().__init__()
        self.tok = nn.Embedding(n_tokens, D_MODEL, padding_idx=0)
        self.register_buffer("pos", sinusoid_table(MAX_LEN, D_MODEL))
        layer = nn.TransformerEncoderLayer(D_MODEL, N_HEADS, FF_DIM, dropout=0.1, batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, N_LAYERS, enable_nested_tensor=False)
        self.out = nn.Linear(D_MODEL, 1)

    def forward(self, ids: torch.Tensor, pad_mask: torch.Tensor) -> torch.Tensor:
        x = self.tok(ids) * math.sqrt(D_MODEL) + self.pos[: ids.size(1)]
        h = self.encoder(x, src_key_padding_mask=pad_mask)
        keep = (~pad_mask).unsqueeze(-1).float()
        pooled = (h * keep).sum(1) / keep.sum(1).clamp(min=1.0)
        return self.out(pooled).squeeze(-1)


def accuracy(logits: torch.Tensor, labels: torch.Tensor) -> float:
    return ((logits > 0).float() == labels).float().mean().item()


def run_epoch(model, loader, loss_fn, opt=None) -> Tuple[float, float]:
    model.train(opt is not None)
    stats = []
    with torch.set_grad_enabled(opt is not None):
        for b in loader:
            logits = model(b.ids, b.pad_mask)
            loss = loss_fn(logits, b.labels)
            if opt is not None:
                opt.zero_grad()
                loss.backward()
                opt.step()
            stats.append((loss.item(), accuracy(logits, b.labels)))
    losses, accs = zip(*stats)
    return sum(losses) / len(losses), sum(accs) / len(accs)


def main():
    rng = random.Random(SEED)
    torch.manual_seed(SEED)
    smiles = [random_chain(rng) for _ in range(N_MOLS)]
    labels = [bbb_label(s) for s in smiles]
    stoi = char_vocab(smiles)
    records = [([stoi[ch] for ch in s], y) for s, y in zip(smiles, labels)]
    train_recs, valid_recs = split(records, VALID_FRAC, rng)
    print(f"{len(train_recs)} train / {len(valid_recs)} valid, positives {sum(labels)}/{len(labels)}")

    train_dl = DataLoader(train_recs, batch_size=BATCH_SIZE, shuffle=True, collate_fn=collate_smiles)
    valid_dl = DataLoader(valid_recs, batch_size=BATCH_SIZE, collate_fn=collate_smiles)

    model = SmilesTransformerClassifier(len(stoi))
    opt = torch.optim.Adam(model.parameters(), lr=LR)
    loss_fn = nn.BCEWithLogitsLoss()
    for epoch in range(EPOCHS):
        tr_loss, tr_acc = run_epoch(model, train_dl, loss_fn, opt)
        va_loss, va_acc = run_epoch(model, valid_dl, loss_fn)
        print(f"epoch {epoch}: train {tr_loss:.3f}/{tr_acc:.2f}  valid {va_loss:.3f}/{va_acc:.2f}")


if __name__ == "__main__":
    main()
