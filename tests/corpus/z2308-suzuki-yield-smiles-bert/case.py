"""Suzuki-Miyaura coupling yield regression from reaction SMILES.

Small BERT encoder over atom-level SMILES tokens, [CLS] pooled into a yield head.
Data is a synthetic HTE-style plate (aryl halide x boronic acid x ligand x base).
"""
import os
import re
import random

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, Dataset
from transformers import BertConfig, BertModel, BertTokenizer

SEED = 7
random.seed(SEED)
np.random.seed(SEED)
torch.manual_seed(SEED)

HERE = os.path.dirname(os.path.abspath(__file__))
VOCAB_PATH = os.path.join(HERE, "smiles_vocab.txt")

SMILES_REGEX = re.compile(
    r"(\[[^\]]+]|Br?|Cl?|N|O|S|P|F|I|b|c|n|o|s|p|\(|\)|\.|=|#|-|\+|\\|/|:|~|@|\?|>|\*|\$|%[0-9]{2}|[0-9])"
)

ARYL_HALIDES = ["Brc1ccccc1", "Clc1ccc(C)cc1", "Ic1ccc(OC)cc1", "Brc1ccncc1", "Clc1ccc(F)cc1"]
BORONIC_ACIDS = ["OB(O)c1ccccc1", "OB(O)c1ccc(C)cc1", "OB(O)c1cccs1"]
LIGANDS = ["P(c1ccccc1)(c1ccccc1)c1ccccc1", "CC(C)(C)P(C(C)(C)C)C(C)(C)C", "[Pd]"]
BASES = ["[Cs+].[F-]", "[K+].[OH-]", "CCN(CC)CC", "[Na+].[O-]C(C)=O"]
SOLVENTS = ["CN(C)C=O", "C1CCOC1", "CO"]

BASE_TOKENS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]",
               "C", "c", "N", "n", "O", "o", "S", "s", "P", "F", "I", "Br", "Cl", "B",
               "(", ")", ".", "=", "#", "-", "+", "/", "\\", ">",
               "1", "2", "3", "4", "5", "6"]


def tokenize_smiles(smi):
    return SMILES_REGEX.findall(smi)


def make_plate(n_rows=96):
    rows = []
    for _ in range(n_rows):
        ah = random.choice(ARYL_HALIDES)
        ba = random.choice(BORONIC_ACIDS)
        lig = random.choice(LIGANDS)
        base = random.choice(BASES)
        solv = random.choice(SOLVENTS)
        rxn = f"{ah}.{ba}>{lig}.{base}.{solv}>"
        y = 0.2 + 0.5 * ("Br" in ah) + 0.2 * ("Cs" in base) + 0.1 * random.random()
        rows.append((rxn, min(y, 1.0) * 100.0))
    return rows


def build_tokenizer(reactions):
    with open(VOCAB_PATH, "w") as fh:
        fh.write("\n".join(BASE_TOKENS) + "\n")
    tok = BertTokenizer(VOCAB_PATH, do_lower_case=False, tokenize_chinese_chars=False)
    bracket_atoms = sorted({t for r in reactions for t in tokenize_smiles(r) if t.startswith("[")})
    n_added = tok.add_tokens(bracket_atoms)
    print(f"base vocab {tok.vocab_size}, added {n_added} bracket atoms")
    return tok


class ReactionYieldDataset(Dataset):
    def __init__(self, rows, tokenizer, max_len=128):
        self.rows = rows
        self.tok = tokenizer
        self.max_len = max_len

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, idx):
        rxn, y = self.rows[idx]
        spaced = " ".join(tokenize_smiles(rxn))
        enc = self.tok(spaced, max_length=self.max_len, truncation=True,
                       padding="max_length", return_tensors="pt")
        return {
            "input_ids": enc["input_ids"].squeeze(0),
            "attention_mask": enc["attention_mask"].squeeze(0),
            "yield": torch.tensor(y / 100.0, dtype=torch.float32),
        }


class YieldBert(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.bert = BertModel(config, add_pooling_layer=False)
        self.head = nn.Sequential(
            nn.Linear(config.hidden_size, config.hidden_size),
            nn.GELU(),
            nn.Dropout(0.1),
            nn.Linear(config.hidden_size, 1),
        )

    def forward(self, input_ids, attention_mask):
        h = self.bert(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
        return self.head(h[:, 0]).squeeze(-1)


def train_epoch(model, loader, opt, loss_fn):
    model.train()
    total = 0.0
    for batch in loader:
        opt.zero_grad()
        pred = model(batch["input_ids"], batch["attention_mask"])
        loss = loss_fn(pred, batch["yield"])
        loss.backward()
        opt.step()
        total += loss.item() * len(pred)
    return total / len(loader.dataset)


def main():
    rows = make_plate()
    split = int(0.8 * len(rows))
    train_rows, val_rows = rows[:split], rows[split:]

    tokenizer = build_tokenizer([r for r, _ in rows])
    config = BertConfig(
        vocab_size=tokenizer.vocab_size,
        hidden_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=128,
        pad_token_id=tokenizer.pad_token_id,
    )
    model = YieldBert(config)

    train_dl = DataLoader(ReactionYieldDataset(train_rows, tokenizer), batch_size=16, shuffle=True)
    val_dl = DataLoader(ReactionYieldDataset(val_rows, tokenizer), batch_size=32)

    opt = torch.optim.AdamW(model.parameters(), lr=3e-4, weight_decay=0.01)
    loss_fn = nn.MSELoss()

    for epoch in range(3):
        tr = train_epoch(model, train_dl, opt, loss_fn)
        model.eval()
        with torch.no_grad():
            preds = torch.cat([model(b["input_ids"], b["attention_mask"]) for b in val_dl])
            targets = torch.cat([b["yield"] for b in val_dl])
        mae = (preds - targets).abs().mean().item() * 100
        print(f"epoch {epoch}  train mse {tr:.4f}  val MAE {mae:.1f}% yield")


if __name__ == "__main__":
    main()
