"""Per-token SMILES tagger: label every token as non-atom / aliphatic atom / aromatic atom / ring-closure atom.

A cheap pre-training task for an atom-level encoder that is later reused for site-of-metabolism prediction.
"""
import re

import torch
import torch.nn as nn

torch.manual_seed(11)

PATTERN = re.compile(r"(\[[^\]]+]|Br|Cl|[BCNOSPFI]|[bcnosp]|\(|\)|=|#|@|\+|-|/|\\|%\d\d|\d)")

CORPUS = [
    "CC(=O)Oc1ccccc1C(=O)O", "CN1C=NC2=C1C(=O)N(C(=O)N2C)C", "CC(C)Cc1ccc(cc1)C(C)C(=O)O",
    "OC[C@H]1OC(O)[C@H](O)[C@@H](O)[C@@H]1O", "c1ccc2c(c1)cccn2", "Clc1ccc(cc1)C(=O)N",
    "CCN(CC)CC", "O=C1CCCCC1", "c1ccsc1", "CC(=O)Nc1ccc(O)cc1", "C1CCNCC1",
    "COc1ccc2[nH]cc(CCN)c2c1", "FC(F)(F)c1ccccc1", "N#Cc1ccccc1", "C=CC(=O)OC", "Brc1cccnc1",
]

TAG_NAMES = ["other", "aliphatic", "aromatic", "ring_open"]
TAG_IGNORE = -100


def atom_tags(tokens):
    tags = []
    for i, tok in enumerate(tokens):
        core = tok.strip("[]").lstrip("0123456789")
        is_atom = core[:1].isalpha()
        opens_ring = is_atom and i + 1 < len(tokens) and tokens[i + 1].isdigit()
        if not is_atom:
            tags.append(0)
        elif opens_ring:
            tags.append(3)
        elif core[:1].islower():
            tags.append(2)
        else:
            tags.append(1)
    return tags


def build_lexicon(corpus):
    lex = {"<pad>": 0}
    for smi in corpus:
        for tok in PATTERN.findall(smi):
            lex.setdefault(tok, len(lex))
    return lex


def to_time_major(smiles_batch, lex):
    """GRU default layout: (time, batch)."""
    token_lists = [PATTERN.findall(s) for s in smiles_batch]
    T = max(len(t) for t in token_lists)
    codes = torch.zeros(T, len(token_lists), dtype=torch.long)
    gold = torch.full((len(token_lists), T), TAG_IGNORE, dtype=torch.long)
    for b, toks in enumerate(token_lists):
        codes[: len(toks), b] = torch.tensor([lex[t] for t in toks])
        gold[b, : len(toks)] = torch.tensor(atom_tags(toks))
    return codes, gold


class AtomTagger(nn.Module):
    def __init__(self, n_tokens, n_tags, dim=40):
        super().__init__()
        self.emb = nn.Embedding(n_tokens, dim, padding_idx=0)
        self.rnn = nn.GRU(dim, dim, num_layers=2, bidirectional=True, dropout=0.1)
        self.proj = nn.Linear(2 * dim, n_tags)
        self.dim = dim

    def forward(self, codes):
        states, _ = self.rnn(self.emb(codes))          # (T, B, 2*dim)
        per_atom = states.transpose(0, 1)               # (B, T, 2*dim) to line up with gold tags
        flat = per_atom.view(-1, 2 * self.dim)
        return self.proj(flat)                          # (B*T, n_tags)


lex = build_lexicon(CORPUS)
train_smiles, val_smiles = CORPUS[:12], CORPUS[12:]
print(f"lexicon size {len(lex)}, {len(train_smiles)} train / {len(val_smiles)} val molecules")

tagger = AtomTagger(len(lex), len(TAG_NAMES))
optimizer = torch.optim.Adam(tagger.parameters(), lr=4e-3)
criterion = nn.CrossEntropyLoss(ignore_index=TAG_IGNORE)

for epoch in range(25):
    tagger.train()
    total = 0.0
    for k in range(0, len(train_smiles), 4):
        codes, gold = to_time_major(train_smiles[k:k + 4], lex)
        scores = tagger(codes)
        loss = criterion(scores, gold.reshape(-1))
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        total += loss.item()
    if epoch % 8 == 0:
        print(f"epoch {epoch:2d}  loss {total:.3f}")

tagger.eval()
with torch.no_grad():
    codes, gold = to_time_major(val_smiles, lex)
    pred = tagger(codes).argmax(-1)
    flat_gold = gold.reshape(-1)
    keep = flat_gold != TAG_IGNORE
    acc = (pred[keep] == flat_gold[keep]).float().mean().item()
print(f"validation token accuracy {acc:.3f}")
first = PATTERN.findall(val_smiles[0])
print(list(zip(first, [TAG_NAMES[t] for t in pred[: len(first)].tolist()])))
