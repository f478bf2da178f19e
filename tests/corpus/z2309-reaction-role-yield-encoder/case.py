import random
from collections import Counter

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, Dataset
from transformers import BertConfig, BertModel

random.seed(0)
torch.manual_seed(0)

CFG = {
    "max_len": 96,
    "batch_size": 8,
    "epochs": 2,
    "lr": 5e-4,
    "n_yield_bins": 3,
    "bert": {
        "hidden_size": 48,
        "num_hidden_layers": 2,
        "num_attention_heads": 4,
        "intermediate_size": 96,
        "type_vocab_size": 2,
        "hidden_dropout_prob": 0.1,
    },
}

AMINES = ["Nc1ccccc1", "CC(C)N", "C1CCNCC1", "Nc1ccc(OC)cc1", "CNC"]
HALIDES = ["Brc1ccccc1", "Clc1ccncc1", "Ic1ccc(C)cc1", "Brc1ccc(C(F)(F)F)cc1"]
CATALYSTS = ["Pd", "PdCl2", "Pd(OAc)2", "Pd2dba3"]
BASES = ["CC(C)(C)O", "CCN(CC)CC", "C1CCC2=NCCCN2CC1", "O=C([O-])[O-]"]
PRODUCTS_TMPL = "{a}-{h}"


def synth_reactions(n):
    data = []
    for _ in range(n):
        a, h = random.choice(AMINES), random.choice(HALIDES)
        cat, base = random.choice(CATALYSTS), random.choice(BASES)
        rxn = f"{a}.{h}>{cat}.{base}>{PRODUCTS_TMPL.format(a=a, h=h.replace('Br', '').replace('Cl', '').replace('I', ''))}"
        score = ("I" in h) * 0.4 + ("Pd2dba3" == cat) * 0.3 + ("C1CCC2" in base) * 0.2 + random.random() * 0.3
        yield_bin = 0 if score < 0.35 else (1 if score < 0.7 else 2)
        data.append((rxn, yield_bin))
    return data


class CharVocab:
    specials = ["<pad>", "<unk>", "<cls>", "<sep>"]

    def __init__(self, texts, min_freq=1):
        counts = Counter(ch for t in texts for ch in t)
        self.itos = list(self.specials) + sorted(c for c, n in counts.items() if n >= min_freq)
        self.stoi = {s: i for i, s in enumerate(self.itos)}

    def __len__(self):
        return len(self.itos)

    def encode(self, text):
        unk = self.stoi["<unk>"]
        return [self.stoi["<cls>"]] + [self.stoi.get(ch, unk) for ch in text] + [self.stoi["<sep>"]]


class RxnDataset(Dataset):
    def __init__(self, rows, vocab):
        self.rows = rows
        self.vocab = vocab

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, i):
        rxn, label = self.rows[i]
        ids = self.vocab.encode(rxn)[: CFG["max_len"]]
        # segment per reaction role: reactants > agents > products
        seg, role = [], 0
        for tok in ids:
            seg.append(role)
            if self.vocab.itos[tok] == ">":
                role += 1
        return torch.tensor(ids), torch.tensor(seg), label


def pad_collate(batch, pad_id=0):
    ids, segs, labels = zip(*batch)
    L = max(len(x) for x in ids)
    input_ids = torch.full((len(ids), L), pad_id, dtype=torch.long)
    token_type_ids = torch.zeros((len(ids), L), dtype=torch.long)
    attn = torch.zeros((len(ids), L), dtype=torch.long)
    for k, (x, s) in enumerate(zip(ids, segs)):
        input_ids[k, : len(x)] = x
        token_type_ids[k, : len(s)] = s
        attn[k, : len(x)] = 1
    return input_ids, token_type_ids, attn, torch.tensor(labels)


class RoleAwareYieldClassifier(nn.Module):
    def __init__(self, vocab_size, n_classes):
        super().__init__()
        cfg = BertConfig(vocab_size=vocab_size, max_position_embeddings=CFG["max_len"],
                         pad_token_id=0, **CFG["bert"])
        self.encoder = BertModel(cfg)
        self.drop = nn.Dropout(0.1)
        self.cls = nn.Linear(cfg.hidden_size, n_classes)

    def forward(self, input_ids, token_type_ids, attention_mask):
        out = self.encoder(input_ids=input_ids, token_type_ids=token_type_ids,
                           attention_mask=attention_mask)
        return self.cls(self.drop(out.pooler_output))


def evaluate(model, loader):
    model.eval()
    correct = n = 0
    with torch.no_grad():
        for ids, seg, attn, y in loader:
            pred = model(ids, seg, attn).argmax(-1)
            correct += (pred == y).sum().item()
            n += len(y)
    return correct / max(n, 1)


if __name__ == "__main__":
    rows = synth_reactions(120)
    train_rows, test_rows = rows[:96], rows[96:]
    vocab = CharVocab([r for r, _ in train_rows])
    print(f"vocab size {len(vocab)}; example: {train_rows[0][0]}")

    train_dl = DataLoader(RxnDataset(train_rows, vocab), batch_size=CFG["batch_size"],
                          shuffle=True, collate_fn=pad_collate)
    test_dl = DataLoader(RxnDataset(test_rows, vocab), batch_size=CFG["batch_size"],
                         collate_fn=pad_collate)

    model = RoleAwareYieldClassifier(len(vocab), CFG["n_yield_bins"])
    opt = torch.optim.Adam(model.parameters(), lr=CFG["lr"])

    for epoch in range(CFG["epochs"]):
        model.train()
        running = 0.0
        for step, (ids, seg, attn, y) in enumerate(train_dl):
            logits = model(ids, seg, attn)
            loss = F.cross_entropy(logits, y)
            opt.zero_grad()
            loss.backward()
            opt.step()
            running += loss.item()
        print(f"epoch {epoch}: loss {running / len(train_dl):.3f}  test acc {evaluate(model, test_dl):.2f}")
