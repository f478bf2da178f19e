import torch
import torch.nn as nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

torch.manual_seed(7)

# site-of-metabolism annotations: atom index (in SMILES atom order) -> SOM class
#   0 = not metabolised, 1 = primary CYP3A4 site, 2 = secondary site
SOM_DATA = [
    ("CC(=O)Nc1ccc(O)cc1", {0: 1, 8: 2}),
    ("CN1C=NC2=C1C(=O)N(C)C(=O)N2C", {0: 1, 12: 2, 16: 2}),
    ("COc1ccc(CC(C)N)cc1", {0: 1, 7: 2}),
    ("CCN(CC)CC(=O)Nc1c(C)cccc1C", {0: 2, 1: 1, 3: 1}),
    ("Clc1ccc(cc1)C(c1ccccc1)N1CCN(C)CC1", {19: 1, 16: 2}),
    ("CC(C)Cc1ccc(cc1)C(C)C(=O)O", {1: 1, 3: 2}),
    ("OC(=O)c1ccccc1OC(C)=O", {10: 1}),
    ("CN(C)CCCN1c2ccccc2CCc2ccccc21", {0: 1, 1: 2, 15: 2}),
    ("Brc1ccc(OCC)cc1", {6: 1, 5: 2}),
    ("CC12CCC3C(CCC4=CC(=O)CCC34C)C1CCC2O", {19: 1, 6: 2}),
]

ATOM_TOKENS = {"C", "N", "O", "S", "F", "P", "I", "Cl", "Br", "c", "n", "o", "s"}
IGNORE = -100
N_SOM_CLASSES = 3


def char_tokens(smi):
    out, i = [], 0
    while i < len(smi):
        if smi[i : i + 2] in ("Cl", "Br"):
            out.append(smi[i : i + 2])
            i += 2
        else:
            out.append(smi[i])
            i += 1
    return out


def token_tags(tokens, som):
    tags, atom_idx = [], 0
    for t in tokens:
        if t in ATOM_TOKENS:
            tags.append(som.get(atom_idx, 0))
            atom_idx += 1
        else:
            tags.append(IGNORE)
    return tags


class SomDataset:
    def __init__(self, records):
        self.alphabet = {"<pad>": 0}
        self.items = []
        for smi, som in records:
            toks = char_tokens(smi)
            for t in toks:
                self.alphabet.setdefault(t, len(self.alphabet))
            self.items.append((toks, token_tags(toks, som)))

    def batch(self, idx):
        chosen = [self.items[i] for i in idx]
        lens = torch.tensor([len(t) for t, _ in chosen])
        width = int(lens.max())
        codes = torch.zeros(len(chosen), width, dtype=torch.long)
        tags = torch.full((len(chosen), width), IGNORE, dtype=torch.long)
        for row, (toks, tg) in enumerate(chosen):
            codes[row, : len(toks)] = torch.tensor([self.alphabet[t] for t in toks])
            tags[row, : len(tg)] = torch.tensor(tg)
        return codes, lens, tags


class SomTagger(nn.Module):
    def __init__(self, n_symbols, emb=32, hid=48, n_classes=N_SOM_CLASSES):
        super().__init__()
        self.embed = nn.Embedding(n_symbols, emb, padding_idx=0)
        self.gru = nn.GRU(emb, hid, num_layers=2, batch_first=True, bidirectional=True, dropout=0.1)
        self.proj = nn.Linear(2 * hid, n_classes)

    def forward(self, codes, lens):
        x = self.embed(codes)
        packed = pack_padded_sequence(x, lens, batch_first=True, enforce_sorted=False)
        out, _ = self.gru(packed)
        out, _ = pad_packed_sequence(out, batch_first=True, total_length=codes.size(1))
        return self.proj(out)


def som_loss(logits, tags, class_weights):
    crit = nn.CrossEntropyLoss(weight=class_weights, ignore_index=IGNORE)
    return crit(logits.transpose(1, 2), tags)


def top1_accuracy(logits, tags):
    hits = 0
    for row in range(tags.size(0)):
        atom_pos = (tags[row] != IGNORE).nonzero().squeeze(-1)
        site_score = logits[row, atom_pos, 1:].sum(-1)
        best = atom_pos[site_score.argmax()]
        hits += int(tags[row, best] > 0)
    return hits / tags.size(0)


def main():
    ds = SomDataset(SOM_DATA)
    model = SomTagger(len(ds.alphabet))
    opt = torch.optim.Adam(model.parameters(), lr=2e-3)
    # sites are rare; up-weight the two SOM classes
    weights = torch.tensor([1.0, 6.0, 4.0])

    order = list(range(len(ds.items)))
    for epoch in range(15):
        model.train()
        perm = torch.randperm(len(order)).tolist()
        total = 0.0
        for k in range(0, len(perm), 5):
            codes, lens, tags = ds.batch(perm[k : k + 5])
            logits = model(codes, lens)
            loss = som_loss(logits, tags, weights)
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item()
        if epoch % 5 == 4:
            model.eval()
            with torch.no_grad():
                codes, lens, tags = ds.batch(order)
                acc = top1_accuracy(model(codes, lens), tags)
            print(f"epoch {epoch + 1:2d}  loss {total:.3f}  top-1 SOM acc {acc:.2f}")


if __name__ == "__main__":
    main()
