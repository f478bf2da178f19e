import os
import random

import torch
import torch.nn as nn
from transformers import BertConfig, BertModel, BertTokenizer

random.seed(3)
torch.manual_seed(3)

HERE = os.path.dirname(os.path.abspath(__file__))
ATOMS = ["C", "c", "N", "n", "O", "o", "S", "F", "Cl", "Br", "P"]
BONDS = {"single": 0, "double": 1, "triple": 2, "aromatic": 3}
MAX_ATOMS = 64
MAX_LEN = 128
HIDDEN = 32


def write_vocab(path):
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    with open(path, "w") as fh:
        fh.write("\n".join(specials + ATOMS) + "\n")
    return path


def make_molecule(n_atoms):
    atoms = [random.choice(ATOMS[:7]) for _ in range(n_atoms)]
    bonds = []
    for i in range(1, n_atoms):
        j = random.randrange(max(0, i - 3), i)
        kind = "aromatic" if atoms[i].islower() and atoms[j].islower() else random.choice(["single"] * 5 + ["double"])
        bonds.append((j, i, kind))
    if n_atoms > 5 and random.random() < 0.4:
        bonds.append((0, n_atoms - 1, "single"))
    y = sum(a in "NOno" for a in atoms) / n_atoms + 0.01 * len(bonds)
    return {"atoms": atoms, "bonds": bonds, "y": y}


def dataset(n, lo, hi):
    return [make_molecule(random.randint(lo, hi)) for _ in range(n)]


train_set = dataset(96, 4, 30)
test_set = dataset(24, 4, 30) + dataset(8, 70, 110)

tokenizer = BertTokenizer(write_vocab(os.path.join(HERE, "atom_vocab.txt")), do_lower_case=False)

config = BertConfig(
    vocab_size=tokenizer.vocab_size,
    hidden_size=HIDDEN,
    num_hidden_layers=1,
    num_attention_heads=2,
    intermediate_size=64,
    max_position_embeddings=MAX_LEN,
    pad_token_id=tokenizer.pad_token_id,
)


def make_batch(mols):
    enc = tokenizer([" ".join(m["atoms"]) for m in mols], padding="longest",
                    truncation=True, max_length=MAX_LEN, return_tensors="pt")
    n_atoms = [min(len(m["atoms"]), MAX_LEN - 2) for m in mols]
    gather_rows, gather_cols, src, dst, etype = [], [], [], [], []
    offset = 0
    for g, (m, n) in enumerate(zip(mols, n_atoms)):
        gather_rows += [g] * n
        gather_cols += list(range(1, n + 1))
        for a, b, kind in m["bonds"]:
            if a < n and b < n:
                src += [a + offset, b + offset]
                dst += [b + offset, a + offset]
                etype += [BONDS[kind]] * 2
        offset += n
    batch_vec = torch.repeat_interleave(torch.arange(len(mols)), torch.tensor(n_atoms))
    return {
        "input_ids": enc["input_ids"],
        "attention_mask": enc["attention_mask"],
        "gather": (torch.tensor(gather_rows), torch.tensor(gather_cols)),
        "edge_index": torch.tensor([src, dst]),
        "edge_type": torch.tensor(etype),
        "batch": batch_vec,
        "y": torch.tensor([m["y"] for m in mols], dtype=torch.float),
    }


class AtomBertGNN(nn.Module):
    def __init__(self, cfg, n_rounds=2):
        super().__init__()
        self.encoder = BertModel(cfg, add_pooling_layer=False)
        d = cfg.hidden_size
        self.edge_w = nn.Parameter(torch.randn(len(BONDS), d, d) * 0.1)
        self.update = nn.ModuleList(nn.Linear(2 * d, d) for _ in range(n_rounds))
        self.readout = nn.Sequential(nn.Linear(d, d), nn.Tanh(), nn.Linear(d, 1))

    def forward(self, batch, n_graphs):
        tokens = self.encoder(input_ids=batch["input_ids"],
                              attention_mask=batch["attention_mask"]).last_hidden_state
        h = tokens[batch["gather"]]
        src, dst = batch["edge_index"]
        for lin in self.update:
            msg = torch.bmm(self.edge_w[batch["edge_type"]], h[src].unsqueeze(-1)).squeeze(-1)
            agg = torch.zeros_like(h).index_add(0, dst, msg)
            h = torch.relu(lin(torch.cat([h, agg], dim=-1))) + h
        summed = torch.zeros(n_graphs, h.size(-1)).index_add(0, batch["batch"], h)
        return self.readout(summed).squeeze(-1)


model = AtomBertGNN(config)
opt = torch.optim.Adam(model.parameters(), lr=2e-3)

for epoch in range(3):
    random.shuffle(train_set)
    losses = []
    for i in range(0, len(train_set), 16):
        mols = train_set[i:i + 16]
        b = make_batch(mols)
        loss = nn.functional.mse_loss(model(b, len(mols)), b["y"])
        opt.zero_grad()
        loss.backward()
        opt.step()
        losses.append(loss.item())
    print(f"epoch {epoch} loss {sum(losses) / len(losses):.4f}")

model.eval()
preds = []
with torch.no_grad():
    for i in range(0, len(test_set), 8):
        mols = test_set[i:i + 8]
        preds.append(model(make_batch(mols), len(mols)))
preds = torch.cat(preds)
targets = torch.tensor([m["y"] for m in test_set])
print("test rmse", torch.sqrt(((preds - targets) ** 2).mean()).item())
