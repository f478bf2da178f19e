"""Buchwald-Hartwig yield regression from reaction SMILES with a tiny BERT encoder.

Reactions are rendered as `reactants.reagents>>product`, tokenized with the usual
atom-level SMILES regex, and the [CLS] embedding is regressed onto the yield (0-1).
"""
import os
import re
import itertools

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import Dataset, DataLoader
from transformers import BertConfig, BertModel

torch.manual_seed(0)
rng = np.random.default_rng(0)
HERE = os.path.dirname(os.path.abspath(__file__))

ARYL_HALIDES = {"Clc1ccccn1": 0.05, "Brc1ccccn1": 0.25, "Ic1ccccn1": 0.35,
                "FC(F)(F)c1ccc(Br)cc1": 0.30, "COc1ccc(I)cc1": 0.20, "CCc1ccc(Cl)cc1": 0.02}
LIGANDS = {"CC(C)c1cc(C(C)C)c(-c2ccccc2P(C(C)(C)C)C(C)(C)C)c(C(C)C)c1": 0.25,
           "COc1ccc(OC)c(P(C23CC4CC(CC(C4)C2)C3)C23CC4CC(CC(C4)C2)C3)c1-c1c(C(C)C)cc(C(C)C)cc1C(C)C": 0.30,
           "CC(C)c1cc(C(C)C)c(-c2ccccc2P(C2CCCCC2)C2CCCCC2)c(C(C)C)c1": 0.10}
BASES = {"CN(C)C(=NC(C)(C)C)N(C)C": 0.20, "CCN=P(N=P(N(C)C)(N(C)C)N(C)C)(N(C)C)N(C)C": 0.15,
         "CN1CCCN2CCCN=C12": 0.05}
ADDITIVES = {"Cc1ccon1": 0.0, "CCOC(=O)c1cc(C)on1": -0.05, "c1ccc(-c2ccon2)cc1": 0.02,
             "Fc1cccc(F)c1-c1ccno1": -0.10}
AMINE = "Cc1ccc(N)cc1"

SMI_REGEX = re.compile(
    r"(\[[^\]]+]|Br?|Cl?|N|O|S|P|F|I|b|c|n|o|s|p|\(|\)|\.|=|#|-|\+|\\|\/|:|~|@|\?|>|\*|\$|\%[0-9]{2}|[0-9])"
)

config = dict(hidden=64, layers=2, heads=4, max_len=256, batch_size=32, lr=3e-4, epochs=2)


def product_for(halide):
    return re.sub(r"(Cl|Br|I)", "N(c9ccc(C)cc9)", halide, count=1)


def build_reactions():
    rows = []
    for (ah, a), (lig, b), (base, c), (add, d) in itertools.product(
            ARYL_HALIDES.items(), LIGANDS.items(), BASES.items(), ADDITIVES.items()):
        y = float(np.clip(a + b + c + d + rng.normal(0, 0.05), 0.0, 1.0))
        rxn = f"{ah}.{AMINE}.{lig}.{base}.{add}>>{product_for(ah)}"
        rows.append((rxn, y))
    return rows


class SmilesTokenizer:
    special = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]

    def __init__(self, vocab_path):
        with open(vocab_path) as fh:
            self.vocab = {tok.rstrip("\n"): i for i, tok in enumerate(fh)}
        self.pad_id = self.vocab["[PAD]"]
        self.unk_id = self.vocab["[UNK]"]
        self.cls_id = self.vocab["[CLS]"]
        self.sep_id = self.vocab["[SEP]"]

    @classmethod
    def build_vocab(cls, reactions, vocab_path):
        tokens = sorted({t for rxn in reactions for t in SMI_REGEX.findall(rxn)})
        with open(vocab_path, "w") as fh:
            fh.write("\n".join(cls.special + tokens) + "\n")
        return cls(vocab_path)

    def tokenize(self, rxn):
        return SMI_REGEX.findall(rxn)

    def encode(self, rxn, add_special_tokens=True):
        tokens = self.tokenize(rxn)
        mask = [1] * len(tokens)
        ids = [self.vocab.get(t, self.unk_id) for t in tokens]
        if add_special_tokens:
            ids = [self.cls_id] + ids + [self.sep_id]
        return {"input_ids": ids, "attention_mask": mask}

    def __len__(self):
        return len(self.vocab)


class ReactionDataset(Dataset):
    def __init__(self, rows, tokenizer):
        self.enc = [tokenizer.encode(rxn) for rxn, _ in rows]
        self.y = [y for _, y in rows]

    def __len__(self):
        return len(self.y)

    def __getitem__(self, i):
        return {**self.enc[i], "yield": self.y[i]}


def make_collate(pad_id):
    def collate(batch):
        out = {}
        for key, pad in (("input_ids", pad_id), ("attention_mask", 0)):
            seqs = [b[key] for b in batch]
            width = max(len(s) for s in seqs)
            out[key] = torch.tensor([s + [pad] * (width - len(s)) for s in seqs], dtype=torch.long)
        out["yield"] = torch.tensor([b["yield"] for b in batch], dtype=torch.float32)
        return out
    return collate


class YieldBert(nn.Module):
    def __init__(self, vocab_size, cfg):
        super().__init__()
        bert_cfg = BertConfig(vocab_size=vocab_size, hidden_size=cfg["hidden"],
                              num_hidden_layers=cfg["layers"], num_attention_heads=cfg["heads"],
                              intermediate_size=4 * cfg["hidden"],
                              max_position_embeddings=cfg["max_len"])
        self.encoder = BertModel(bert_cfg, add_pooling_layer=False)
        self.regressor = nn.Sequential(nn.Dropout(0.1), nn.Linear(cfg["hidden"], 1))

    def forward(self, input_ids, attention_mask):
        h = self.encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
        return self.regressor(h[:, 0]).squeeze(-1)


def main():
    rows = build_reactions()
    order = rng.permutation(len(rows))
    rows = [rows[i] for i in order]
    split = int(0.8 * len(rows))

    tokenizer = SmilesTokenizer.build_vocab([r for r, _ in rows], os.path.join(HERE, "smiles_vocab.txt"))
    train_dl = DataLoader(ReactionDataset(rows[:split], tokenizer), batch_size=config["batch_size"],
                          shuffle=True, collate_fn=make_collate(tokenizer.pad_id))
    test_dl = DataLoader(ReactionDataset(rows[split:], tokenizer), batch_size=config["batch_size"],
                         collate_fn=make_collate(tokenizer.pad_id))

    model = YieldBert(len(tokenizer), config)
    opt = torch.optim.AdamW(model.parameters(), lr=config["lr"], weight_decay=0.01)
    loss_fn = nn.MSELoss()

    for epoch in range(config["epochs"]):
        model.train()
        for step, batch in enumerate(train_dl):
            pred = model(batch["input_ids"], batch["attention_mask"])
            loss = loss_fn(pred, batch["yield"])
            opt.zero_grad()
            loss.backward()
            opt.step()
            if step % 4 == 0:
                print(f"epoch {epoch} step {step:3d}  mse {loss.item():.4f}")

        model.eval()
        preds, gold = [], []
        with torch.no_grad():
            for batch in test_dl:
                preds.append(model(batch["input_ids"], batch["attention_mask"]))
                gold.append(batch["yield"])
        preds, gold = torch.cat(preds), torch.cat(gold)
        r2 = 1 - ((preds - gold) ** 2).sum() / ((gold - gold.mean()) ** 2).sum()
        print(f"epoch {epoch}  test R2 {r2.item():.3f}  MAE {100 * (preds - gold).abs().mean().item():.1f}%")


if __name__ == "__main__":
    main()
