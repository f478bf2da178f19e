"""Glass transition temperature (Tg) regression for polymer repeat units.

A tiny BERT encodes the repeat-unit SMILES ('*' marks the chain ends); its [CLS]
vector is concatenated with a handful of hand-computed composition descriptors
and fed to a regression head.
"""
import os
import re
import tempfile

import numpy as np
import torch
import torch.nn as nn
from transformers import BertConfig, BertModel, BertTokenizer

torch.manual_seed(11)

POLYMERS = [
    ("*CC*", 195.0),
    ("*CC(C)*", 263.0),
    ("*CC(c1ccccc1)*", 373.0),
    ("*CC(Cl)*", 354.0),
    ("*CC(C)(C(=O)OC)*", 378.0),
    ("*CC(C#N)*", 370.0),
    ("*CC(O)*", 358.0),
    ("*CC(F)(F)*", 233.0),
    ("*OCC*", 206.0),
    ("*CC(OC(C)=O)*", 305.0),
    ("*c1ccc(Oc2ccc(C(C)(C)c3ccccc3)cc2)cc1*", 423.0),
    ("*CC(C(=O)OCCCC)*", 219.0),
    ("*NCCCCCC(=O)*", 323.0),
    ("*CC=C(C)C*", 200.0),
]

TOKEN_RE = re.compile(r"Cl|Br|[BCNOSPFI]|[cnos]|[0-9]|[=#()*+\-\[\]H]")
SYMBOLS = ["C", "c", "N", "n", "O", "o", "S", "s", "F", "Cl", "Br", "(", ")", "=", "#", "*",
           "[", "]", "H", "+", "-"] + [str(d) for d in range(1, 10)]


def write_vocab(folder):
    path = os.path.join(folder, "polymer_vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + SYMBOLS) + "\n")
    return path


def composition(smiles):
    toks = TOKEN_RE.findall(smiles)
    atoms = [t for t in toks if t[0].isalpha() and t != "H"]
    heavy = len(atoms)
    aromatic = sum(t.islower() for t in atoms) / max(heavy, 1)
    hetero = sum(t.upper() in {"N", "O", "S"} for t in atoms)
    halogen = sum(t in {"F", "Cl", "Br"} for t in atoms)
    rings = sum(t.isdigit() for t in toks) / 2
    side_branches = toks.count("(")
    return [heavy, aromatic, hetero, halogen, rings, side_branches]


class TgRegressor(nn.Module):
    def __init__(self, config, n_desc):
        super().__init__()
        self.bert = BertModel(config, add_pooling_layer=False)
        self.head = nn.Sequential(
            nn.Linear(config.hidden_size + n_desc, 32),
            nn.Tanh(),
            nn.Linear(32, 1),
        )

    def forward(self, enc, desc):
        cls_vec = self.bert(**enc).last_hidden_state[:, 0]
        joint = torch.cat([cls_vec, desc], dim=-1)
        return self.head(joint).squeeze(-1)


def main():
    with tempfile.TemporaryDirectory(prefix="tg_") as workdir:
        tokenizer = BertTokenizer(write_vocab(workdir), do_lower_case=False)

    spaced = [" ".join(TOKEN_RE.findall(s)) for s, _ in POLYMERS]
    desc_raw = np.array([composition(s) for s, _ in POLYMERS])
    desc_norm = (desc_raw - desc_raw.mean(0)) / (desc_raw.std(0) + 1e-6)
    tg = np.array([t for _, t in POLYMERS])
    tg_mean, tg_std = tg.mean(), tg.std()

    enc = tokenizer(spaced, padding=True, return_tensors="pt")
    desc = torch.from_numpy(desc_norm)
    target = torch.tensor((tg - tg_mean) / tg_std, dtype=torch.float32)
    print(f"vocab {tokenizer.vocab_size}, max length {enc['input_ids'].shape[1]}, descriptors {desc.shape[1]}")

    config = BertConfig(
        vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=1,
        num_attention_heads=2, intermediate_size=64, max_position_embeddings=64,
    )
    model = TgRegressor(config, n_desc=desc.shape[1])
    opt = torch.optim.AdamW(model.parameters(), lr=1e-3)

    n_train = 11
    train_enc = {k: v[:n_train] for k, v in enc.items()}
    test_enc = {k: v[n_train:] for k, v in enc.items()}

    for step in range(30):
        model.train()
        pred = model(train_enc, desc[:n_train])
        loss = nn.functional.mse_loss(pred, target[:n_train])
        opt.zero_grad()
        loss.backward()
        opt.step()
        if step % 10 == 0:
            print(f"step {step:3d}  mse {loss.item():.4f}")

    model.eval()
    with torch.no_grad():
        pred = model(test_enc, desc[n_train:]) * tg_std + tg_mean
    for (smi, true_tg), p in zip(POLYMERS[n_train:], pred.tolist()):
        print(f"{smi:28s} Tg true {true_tg:6.1f} K   pred {p:6.1f} K")


if __name__ == "__main__":
    main()
