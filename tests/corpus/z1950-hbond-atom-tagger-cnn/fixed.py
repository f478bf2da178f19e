"""Atom-level H-bond role tagging on SMILES with a 1D convolutional tagger.

Every atom token gets one of three roles (other / donor / acceptor); ring-closure
digits, bonds and parentheses are not atoms and are ignored by the loss.
"""
import re

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(3)

TOKEN_RE = re.compile(r"\[[^\]]+\]|Br|Cl|[BCNOSPFI]|[cnops]|[0-9]|[=#()/\\+-]")
ROLES = ["other", "donor", "acceptor"]
DONORS = {"[nH]", "[NH]", "[NH2]", "[NH3+]", "[OH]"}
ACCEPTORS = {"O", "N", "n", "o", "[O-]"}
ATOM_START = re.compile(r"^(\[|Br|Cl|[BCNOSPFI]|[cnops])")

SMILES = [
    "OCC(=O)O", "c1ccc[nH]1", "CC(=O)Nc1ccccc1", "NCCO", "c1ccncc1",
    "O=C(O)c1ccccc1O", "C[NH3+]", "c1ccc2[nH]ccc2c1", "CCOC(=O)C", "Clc1ccc(O)cc1",
    "CN1CCOCC1", "[O-]C(=O)CC[NH3+]", "Cc1ncc[nH]1", "FC(F)(F)c1ccoc1",
]


def tokens(smi):
    return TOKEN_RE.findall(smi)


def role_of(tok):
    if not ATOM_START.match(tok):
        return -100
    if tok in DONORS:
        return 1
    if tok in ACCEPTORS:
        return 2
    return 0


class Vocab:
    def __init__(self, smiles_list):
        self.index = {"<pad>": 0, "<unk>": 1}
        for smi in smiles_list:
            for t in tokens(smi):
                self.index.setdefault(t, len(self.index))

    def ids(self, smi):
        return [self.index.get(t, 1) for t in tokens(smi)]


def collate(smiles_batch, vocab):
    width = max(len(tokens(s)) for s in smiles_batch)
    tok_ids = torch.zeros(len(smiles_batch), width, dtype=torch.long)
    roles = torch.full((len(smiles_batch), width), -100, dtype=torch.long)
    for row, smi in enumerate(smiles_batch):
        ids = vocab.ids(smi)
        tok_ids[row, : len(ids)] = torch.tensor(ids)
        roles[row, : len(ids)] = torch.tensor([role_of(t) for t in tokens(smi)])
    return tok_ids, roles


class ConvTagger(nn.Module):
    def __init__(self, vocab_size, emb_dim=16, hidden=32, n_roles=3, kernel=5):
        super().__init__()
        self.hidden = hidden
        self.emb = nn.Embedding(vocab_size, emb_dim, padding_idx=0)
        self.conv1 = nn.Conv1d(emb_dim, hidden, kernel, padding=kernel // 2)
        self.conv2 = nn.Conv1d(hidden, hidden, kernel, padding=kernel // 2)
        self.out = nn.Linear(hidden, n_roles)

    def forward(self, tok_ids):
        x = self.emb(tok_ids).transpose(1, 2)
        x = F.gelu(self.conv1(x))
        x = F.gelu(self.conv2(x)) + x
        per_token = x.transpose(1, 2).reshape(-1, self.hidden)
        return self.out(per_token)


def evaluate(model, smiles_batch, vocab):
    model.eval()
    with torch.no_grad():
        tok_ids, roles = collate(smiles_batch, vocab)
        pred = model(tok_ids).argmax(-1).view_as(roles)
    mask = roles != -100
    acc = (pred[mask] == roles[mask]).float().mean().item()
    for row, smi in enumerate(smiles_batch):
        toks = tokens(smi)
        tagged = [f"{t}:{ROLES[pred[row, i]][0]}" for i, t in enumerate(toks) if role_of(t) != -100]
        print(smi.ljust(22), " ".join(tagged))
    return acc


def main():
    vocab = Vocab(SMILES)
    train, held_out = SMILES[:10], SMILES[10:]
    model = ConvTagger(len(vocab.index))
    opt = torch.optim.Adam(model.parameters(), lr=5e-3)

    for epoch in range(8):
        model.train()
        epoch_loss = 0.0
        for i in range(0, len(train), 5):
            tok_ids, roles = collate(train[i:i + 5], vocab)
            logits = model(tok_ids)
            loss = F.cross_entropy(logits, roles.view(-1), ignore_index=-100)
            opt.zero_grad()
            loss.backward()
            opt.step()
            epoch_loss += loss.item()
        print(f"epoch {epoch}: loss {epoch_loss:.3f}")

    acc = evaluate(model, held_out, vocab)
    print(f"held-out atom accuracy: {acc:.2f}")


if __name__ == "__main__":
    main()
