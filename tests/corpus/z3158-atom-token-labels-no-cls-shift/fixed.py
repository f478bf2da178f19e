import os
import random

import torch
from torch.utils.data import DataLoader
from transformers import BertConfig, BertForTokenClassification, BertTokenizer

random.seed(3)
torch.manual_seed(3)

HERE = os.path.dirname(os.path.abspath(__file__))
VOCAB_PATH = os.path.join(HERE, "atom_vocab.txt")
SPECIALS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
ELEMENTS = ["C", "N", "O", "S", "F", "Cl", "Br", "c", "n", "o", "s"]
MAX_ATOMS = 24
N_DEGREE_CLASSES = 5

with open(VOCAB_PATH, "w") as fh:
    fh.write("\n".join(SPECIALS + ELEMENTS) + "\n")

SMILES = [
    "CCO", "CC(=O)O", "c1ccccc1", "CC(=O)Oc1ccccc1C(=O)O", "CCN(CC)CC", "C1CCOC1",
    "c1ccncc1", "CC#N", "OCC(O)CO", "CCOC(=O)C", "CSC", "Cc1ccccc1O", "NC(=O)c1ccccc1",
    "CC(C)Br", "ClCCl", "c1ccc(F)cc1", "C1CCNCC1", "FC(F)F", "O=C(O)CCc1ccccc1", "CCCCN",
    "c1ccsc1", "c1ccoc1", "CC(C)(C)O", "OC(=O)c1ccccc1O",
]


def read_smiles(smi):
    symbols, edges = [], []
    stack, ring_bonds = [], {}
    last = None
    k = 0
    while k < len(smi):
        c = smi[k]
        if c == "(":
            stack.append(last)
        elif c == ")":
            last = stack.pop()
        elif c in "=#":
            pass
        elif c.isdigit():
            if c in ring_bonds:
                edges.append((ring_bonds.pop(c), last))
            else:
                ring_bonds[c] = last
        else:
            sym = smi[k:k + 2] if smi[k:k + 2] in ("Cl", "Br") else c
            k += len(sym) - 1
            symbols.append(sym)
            if last is not None:
                edges.append((last, len(symbols) - 1))
            last = len(symbols) - 1
        k += 1
    return symbols, torch.tensor(edges, dtype=torch.long).t()


def heavy_degree(edge_index, n_atoms):
    ones = torch.ones(edge_index.shape[1], dtype=torch.long)
    deg = torch.zeros(n_atoms, dtype=torch.long)
    deg.index_add_(0, edge_index[0], ones)
    deg.index_add_(0, edge_index[1], ones)
    return deg.clamp(max=N_DEGREE_CLASSES - 1)


records = []
for smi in SMILES:
    syms, ei = read_smiles(smi)
    records.append({"smiles": smi, "atoms": syms, "edge_index": ei, "degree": heavy_degree(ei, len(syms))})

tokenizer = BertTokenizer(VOCAB_PATH, do_lower_case=False)


def pad_labels(seqs, length, fill=-100):
    out = torch.full((len(seqs), length), fill, dtype=torch.long)
    for row, s in enumerate(seqs):
        s = s[: length - 2]
        out[row, 1 : len(s) + 1] = s
    return out


def make_batch(rows):
    enc = tokenizer(
        [" ".join(r["atoms"]) for r in rows],
        padding=True,
        truncation=True,
        max_length=MAX_ATOMS + 2,
        return_tensors="pt",
    )
    enc["labels"] = pad_labels([r["degree"] for r in rows], enc["input_ids"].shape[1])
    return enc


config = BertConfig(
    vocab_size=tokenizer.vocab_size,
    hidden_size=32,
    num_hidden_layers=1,
    num_attention_heads=2,
    intermediate_size=64,
    max_position_embeddings=MAX_ATOMS + 8,
    num_labels=N_DEGREE_CLASSES,
    pad_token_id=tokenizer.pad_token_id,
)
model = BertForTokenClassification(config)

random.shuffle(records)
split = int(0.75 * len(records))
train_loader = DataLoader(records[:split], batch_size=6, shuffle=True, collate_fn=make_batch)
valid_loader = DataLoader(records[split:], batch_size=6, collate_fn=make_batch)

optimizer = torch.optim.AdamW(model.parameters(), lr=5e-4)

for epoch in range(3):
    model.train()
    for step, batch in enumerate(train_loader):
        out = model(**batch)
        out.loss.backward()
        optimizer.step()
        optimizer.zero_grad()
        if step % 2 == 0:
            print(f"epoch {epoch} step {step} loss {out.loss.item():.4f}")

    model.eval()
    hits, total = 0, 0
    with torch.no_grad():
        for batch in valid_loader:
            logits = model(**batch).logits
            keep = batch["labels"] != -100
            hits += (logits.argmax(-1)[keep] == batch["labels"][keep]).sum().item()
            total += keep.sum().item()
    print(f"epoch {epoch} degree accuracy {hits / max(total, 1):.3f}")
