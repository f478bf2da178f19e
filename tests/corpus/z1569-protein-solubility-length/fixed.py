"""Solubility prediction for recombinant protein constructs.

Each construct is a residue string plus a few bench measurements. Residues are
space-separated so a plain WordPiece tokenizer treats every amino acid as a
token; a tiny BERT encodes the chain and the bench features are concatenated
to the [CLS] vector before the classification head.
"""
import os
import tempfile

import numpy as np
import torch
import torch.nn as nn
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import LabelEncoder, StandardScaler
from transformers import BertConfig, BertModel, BertTokenizer

AMINO = list("ACDEFGHIKLMNPQRSTVWY")
HYDROPHOBIC = set("AILMFVWY")
POSITION_SLOTS = 64
BATCH_SIZE = 12
rng = np.random.default_rng(2024)

tmp = tempfile.mkdtemp(prefix="solub_")
table_path = os.path.join(tmp, "constructs.csv")
with open(table_path, "w") as fh:
    fh.write("construct,chain,expr_temp,iptg_mm,outcome\n")
    for k in range(80):
        n_res = int(rng.integers(24, 58)) if k % 9 else int(rng.integers(70, 96))
        chain = "M" + "".join(rng.choice(AMINO, size=n_res - 1))
        temp = rng.choice([16.0, 25.0, 37.0])
        iptg = round(float(rng.uniform(0.05, 1.0)), 3)
        outcome = "soluble" if (temp < 30 and rng.random() < 0.7) else "inclusion_body"
        fh.write(f"c{k:03d},{chain},{temp},{iptg},{outcome}\n")

table = np.genfromtxt(table_path, delimiter=",", dtype=str, skip_header=1)
chains = table[:, 1]
bench = table[:, 2:4].astype(np.float32)
chain_len = np.char.str_len(chains)
hydro_frac = np.array([sum(c in HYDROPHOBIC for c in ch) / len(ch) for ch in chains],
                      dtype=np.float32)
bench = np.column_stack([bench, np.log(chain_len).astype(np.float32), hydro_frac])

outcome_enc = LabelEncoder()
outcome_y = outcome_enc.fit_transform(table[:, 4])

vocab_file = os.path.join(tmp, "residues.txt")
with open(vocab_file, "w") as fh:
    fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + [a.lower() for a in AMINO]) + "\n")
residue_tok = BertTokenizer(vocab_file)

tr_idx, te_idx = train_test_split(np.arange(len(chains)), test_size=0.2,
                                  stratify=outcome_y, random_state=3)
scaler = StandardScaler().fit(bench[tr_idx])
bench_std = scaler.transform(bench).astype(np.float32)


def residue_batch(idx):
    spaced = [" ".join(chains[i]) for i in idx]
    enc = residue_tok(spaced, padding="longest", truncation=True, max_length=POSITION_SLOTS,
                      return_tensors="pt")
    feats = torch.from_numpy(bench_std[idx])
    target = torch.from_numpy(outcome_y[idx]).long()
    return enc, feats, target


class SolubilityModel(nn.Module):
    def __init__(self, n_tokens, n_bench, n_classes):
        super().__init__()
        cfg = BertConfig(vocab_size=n_tokens, hidden_size=32, num_hidden_layers=1,
                         num_attention_heads=2, intermediate_size=64,
                         max_position_embeddings=POSITION_SLOTS)
        self.chain_encoder = BertModel(cfg, add_pooling_layer=False)
        self.classifier = nn.Sequential(nn.Linear(cfg.hidden_size + n_bench, 32), nn.ReLU(),
                                        nn.Linear(32, n_classes))

    def forward(self, enc, feats):
        h = self.chain_encoder(input_ids=enc["input_ids"],
                               attention_mask=enc["attention_mask"]).last_hidden_state[:, 0]
        return self.classifier(torch.cat([h, feats], dim=-1))


net = SolubilityModel(len(residue_tok), bench_std.shape[1], len(outcome_enc.classes_))
opt = torch.optim.Adam(net.parameters(), lr=1e-3)
loss_fn = nn.CrossEntropyLoss()

for epoch in range(1):
    net.train()
    perm = rng.permutation(tr_idx)
    total = 0.0
    for s in range(0, len(perm), BATCH_SIZE):
        enc, feats, target = residue_batch(perm[s:s + BATCH_SIZE])
        loss = loss_fn(net(enc, feats), target)
        opt.zero_grad()
        loss.backward()
        opt.step()
        total += loss.item() * len(target)
    net.eval()
    with torch.no_grad():
        enc, feats, target = residue_batch(te_idx)
        acc = (net(enc, feats).argmax(1) == target).float().mean().item()
    print(f"epoch {epoch} loss {total / len(perm):.3f} held-out acc {acc:.2f}")

print("classes:", outcome_enc.classes_.tolist())
