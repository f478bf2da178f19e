"""Acute oral toxicity (GHS category) classifier on SMILES with a char-level GRU."""
import re
import random

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(7)
random.seed(7)

SMILES_REGEX = re.compile(
    r"(\[[^\]]+]|Br?|Cl?|N|O|S|P|F|I|b|c|n|o|s|p|\(|\)|\.|=|#|-|\+|\\|\/|:|~|@|\?|>|\*|\$|%[0-9]{2}|[0-9])"
)

# (smiles, GHS acute oral toxicity category 1..5; 1 = most toxic)
RECORDS = [
    ("C#N", 1), ("O=C=O", 5), ("CCO", 5), ("CC(=O)O", 4), ("c1ccccc1O", 3),
    ("ClC(Cl)(Cl)Cl", 3), ("CN1CCC[C@H]1c1cccnc1", 2), ("OC(=O)c1ccccc1O", 4),
    ("CCOP(=S)(OCC)Oc1ccc(cc1)[N+](=O)[O-]", 1), ("CC(C)O", 5), ("c1ccc2ccccc2c1", 4),
    ("NC(=O)N", 5), ("CC(=O)Nc1ccc(O)cc1", 4), ("O=[As]O", 1), ("C=CC#N", 3),
    ("CCCCCCCCO", 5), ("Oc1ccc(Cl)cc1Cl", 3), ("CN(C)C(=S)SSC(=S)N(C)C", 3),
    ("FC(F)(F)C(Cl)Br", 4), ("CC1=CC(=O)C=CC1=O", 2), ("OCC(O)CO", 5),
    ("Clc1ccc(cc1)C(c1ccc(Cl)cc1)C(Cl)(Cl)Cl", 3), ("C1CCOC1", 4), ("[Hg]Cl", 2),
]


def tokenize(smi):
    return SMILES_REGEX.findall(smi)


def build_vocab(smiles_list):
    symbols = sorted({t for s in smiles_list for t in tokenize(s)})
    stoi = {"<pad>": 0, "<unk>": 1}
    for sym in symbols:
        stoi[sym] = len(stoi)
    return stoi


def encode_batch(smiles_list, stoi):
    seqs = [[stoi.get(t, 1) for t in tokenize(s)] for s in smiles_list]
    width = max(len(s) for s in seqs)
    ids = torch.zeros(len(seqs), width, dtype=torch.long)
    lengths = torch.tensor([len(s) for s in seqs])
    for row, s in enumerate(seqs):
        ids[row, : len(s)] = torch.tensor(s)
    return ids, lengths


class ToxGRU(nn.Module):
    def __init__(self, n_symbols, n_classes, emb_dim=32, hidden=48):
        super().__init__()
        self.embed = nn.Embedding(n_symbols, emb_dim, padding_idx=0)
        self.gru = nn.GRU(emb_dim, hidden, batch_first=True, bidirectional=True)
        self.head = nn.Sequential(nn.Linear(2 * hidden, hidden), nn.ReLU(), nn.Linear(hidden, n_classes))

    def forward(self, ids, lengths):
        x = self.embed(ids)
        packed = nn.utils.rnn.pack_padded_sequence(x, lengths, batch_first=True, enforce_sorted=False)
        _, h_n = self.gru(packed)
        mol_vec = torch.cat([h_n[0], h_n[1]], dim=-1)
        return self.head(mol_vec)


smiles = [s for s, _ in RECORDS]
ghs_category = torch.tensor([c for _, c in RECORDS])
num_classes = len(set(ghs_category.tolist()))
print(f"{len(smiles)} molecules, {num_classes} GHS categories")

stoi = build_vocab(smiles)
mol_ids, mol_lens = encode_batch(smiles, stoi)

order = list(range(len(smiles)))
random.shuffle(order)
split = int(0.8 * len(order))
train_idx, val_idx = order[:split], order[split:]

model = ToxGRU(len(stoi), num_classes)
optim = torch.optim.AdamW(model.parameters(), lr=3e-3, weight_decay=1e-4)

# inverse-frequency class weights, toxic categories are rare
counts = torch.bincount(ghs_category, minlength=num_classes + 1)[1:].float()
class_w = counts.sum() / (num_classes * counts.clamp(min=1))

batch_size = 6
for epoch in range(15):
    model.train()
    random.shuffle(train_idx)
    running = 0.0
    for start in range(0, len(train_idx), batch_size):
        b = train_idx[start:start + batch_size]
        logits = model(mol_ids[b], mol_lens[b])
        loss = F.cross_entropy(logits, ghs_category[b], weight=class_w)
        optim.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optim.step()
        running += loss.item() * len(b)
    model.eval()
    with torch.no_grad():
        pred = model(mol_ids[val_idx], mol_lens[val_idx]).argmax(-1)
        acc = (pred == ghs_category[val_idx]).float().mean().item()
    if epoch % 5 == 4:
        print(f"epoch {epoch + 1:2d}  train_loss {running / len(train_idx):.4f}  val_acc {acc:.3f}")

model.eval()
with torch.no_grad():
    probe = ["CC#N", "CCCCO"]
    p_ids, p_lens = encode_batch(probe, stoi)
    probs = model(p_ids, p_lens).softmax(-1)
for smi, row in zip(probe, probs):
    print(smi, "-> predicted GHS category", int(row.argmax()) + 1)
