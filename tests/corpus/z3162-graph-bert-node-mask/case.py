import random

import torch
import torch.nn as nn
from transformers import BertConfig, BertModel

random.seed(5)
torch.manual_seed(5)

ATOM_TYPES = ["C", "c", "N", "n", "O", "o", "S", "F", "Cl", "Br"]
BOND_TYPES = ["-", "=", "#", ":"]
atom_vocab = {a: i + 1 for i, a in enumerate(ATOM_TYPES)}
bond_vocab = {b: i for i, b in enumerate(BOND_TYPES)}

MAX_ATOMS = 32
HIDDEN = 32


def make_record():
    n = random.randint(6, 20)
    atoms = [random.choice(ATOM_TYPES[:6]) for _ in range(n)]
    bond_str = []
    for i in range(1, n):
        j = random.randrange(i)
        sym = ":" if atoms[i].islower() and atoms[j].islower() else random.choice("-=-")
        bond_str.append(f"{j}{sym}{i}")
    toxic = int(sum(a in "Nn" for a in atoms) >= 3)
    return " ".join(atoms) + "|" + " ".join(bond_str) + "|" + str(toxic)


def parse_record(line):
    atom_part, bond_part, label = line.split("|")
    atoms = atom_part.split()
    src, dst, btypes = [], [], []
    for tok in bond_part.split():
        for sym in BOND_TYPES:
            if sym in tok:
                a, b = tok.split(sym)
                a, b = int(a), int(b)
                src += [a, b]
                dst += [b, a]
                btypes += [bond_vocab[sym]] * 2
                break
    return {
        "atom_ids": torch.tensor([atom_vocab[a] for a in atoms]),
        "edge_index": torch.tensor([src, dst]),
        "bond_ids": torch.tensor(btypes),
        "label": float(label),
    }


def collate(mols):
    atom_ids, edge_index, bond_ids, batch = [], [], [], []
    offset = 0
    for k, m in enumerate(mols):
        n = m["atom_ids"].numel()
        atom_ids.append(m["atom_ids"])
        edge_index.append(m["edge_index"] + offset)
        bond_ids.append(m["bond_ids"])
        batch.append(torch.full((n,), k))
        offset += n
    return {
        "atom_ids": torch.cat(atom_ids),
        "edge_index": torch.cat(edge_index, dim=1),
        "bond_ids": torch.cat(bond_ids),
        "batch": torch.cat(batch),
        "labels": torch.tensor([m["label"] for m in mols]),
    }


def to_dense_batch(h, batch, max_nodes=None):
    counts = torch.bincount(batch)
    if max_nodes is None:
        max_nodes = int(counts.max())
    starts = torch.cumsum(counts, 0) - counts
    pos = torch.arange(batch.numel()) - starts[batch]
    dense = h.new_zeros(counts.numel(), max_nodes, h.size(-1))
    dense[batch, pos] = h
    return dense


def node_mask(batch, max_nodes):
    counts = torch.bincount(batch)
    return (torch.arange(max_nodes)[None, :] < counts[:, None]).long()


class LocalMP(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.bond_emb = nn.Embedding(len(BOND_TYPES), dim)
        self.lin = nn.Linear(2 * dim, dim)

    def forward(self, h, edge_index, bond_ids):
        src, dst = edge_index
        msg = h[src] * self.bond_emb(bond_ids)
        agg = torch.zeros_like(h).index_add_(0, dst, msg)
        return h + torch.tanh(self.lin(torch.cat([h, agg], dim=-1)))


class GraphBert(nn.Module):
    def __init__(self):
        super().__init__()
        cfg = BertConfig(vocab_size=8, hidden_size=HIDDEN, num_hidden_layers=1, num_attention_heads=2,
                         intermediate_size=64, max_position_embeddings=MAX_ATOMS)
        self.atom_emb = nn.Embedding(len(ATOM_TYPES) + 1, HIDDEN, padding_idx=0)
        self.mp = nn.ModuleList([LocalMP(HIDDEN), LocalMP(HIDDEN)])
        self.encoder = BertModel(cfg, add_pooling_layer=False)
        self.cls = nn.Linear(HIDDEN, 1)

    def forward(self, batch):
        h = self.atom_emb(batch["atom_ids"])
        for layer in self.mp:
            h = layer(h, batch["edge_index"], batch["bond_ids"])
        dense = to_dense_batch(h, batch["batch"])
        attn = node_mask(batch["batch"], MAX_ATOMS)
        out = self.encoder(inputs_embeds=dense, attention_mask=attn).last_hidden_state
        m = attn.unsqueeze(-1).to(out.dtype)
        pooled = (out * m).sum(1) / m.sum(1)
        return self.cls(pooled).squeeze(-1)


def main():
    lines = [make_record() for _ in range(160)]
    data = [parse_record(l) for l in lines]
    random.shuffle(data)
    train, test = data[:128], data[128:]

    model = GraphBert()
    opt = torch.optim.Adam(model.parameters(), lr=5e-4)
    bce = nn.BCEWithLogitsLoss()
    for epoch in range(3):
        model.train()
        random.shuffle(train)
        for i in range(0, len(train), 16):
            b = collate(train[i:i + 16])
            loss = bce(model(b), b["labels"])
            opt.zero_grad()
            loss.backward()
            opt.step()
        model.eval()
        with torch.no_grad():
            b = collate(test)
            acc = ((model(b) > 0).float() == b["labels"]).float().mean().item()
        print(f"epoch {epoch} loss {loss.item():.3f} test acc {acc:.3f}")


if __name__ == "__main__":
    main()
