import os
import tempfile

import numpy as np
import torch
import torch.nn as nn
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import LabelEncoder

rng = np.random.default_rng(11)
torch.manual_seed(11)

AMINO = "ACDEFGHIKLMNPQRSTVWY"
ACTIVITY = ["antibacterial", "antifungal", "inactive"]


def synth_peptides(path, n=120):
    with open(path, "w") as fh:
        for _ in range(n):
            length = rng.integers(8, 25)
            seq = "".join(rng.choice(list(AMINO), size=length))
            label = ACTIVITY[(seq.count("K") + seq.count("R")) % 3]
            fh.write(f"{seq},{label}\n")


def read_peptides(path):
    table = np.loadtxt(path, delimiter=",", dtype=str)
    return table[:, 0], table[:, 1]


def residue_codes(sequences, pad_code=0):
    flat = np.concatenate([np.array(list(s)) for s in sequences])
    alphabet, inv = np.unique(flat, return_inverse=True)
    lengths = np.array([len(s) for s in sequences])
    longest = int(lengths.max())
    codes = np.full((len(sequences), longest), pad_code, dtype=np.int64)
    pos = 0
    for i, n_res in enumerate(lengths):
        codes[i, :n_res] = inv[pos:pos + n_res] + 1
        pos += n_res
    return codes, lengths, alphabet


def padding_positions(codes, lengths):
    pad_flags = np.zeros_like(codes)
    for i, n_res in enumerate(lengths):
        pad_flags[i, n_res:] = 1
    return pad_flags


class PeptideEncoder(nn.Module):
    def __init__(self, n_symbols, n_classes, width=32, max_len=64):
        super().__init__()
        self.residue_emb = nn.Embedding(n_symbols, width, padding_idx=0)
        self.pos_emb = nn.Embedding(max_len, width)
        layer = nn.TransformerEncoderLayer(width, nhead=4, dim_feedforward=64,
                                           dropout=0.1, batch_first=True)
        self.stack = nn.TransformerEncoder(layer, num_layers=2)
        self.head = nn.Linear(width, n_classes)

    def forward(self, codes, pad_flags):
        positions = torch.arange(codes.shape[1]).unsqueeze(0)
        h = self.residue_emb(codes) + self.pos_emb(positions)
        h = self.stack(h, src_key_padding_mask=pad_flags)
        keep = (pad_flags == 0).unsqueeze(-1).float()
        pooled = (h * keep).sum(1) / keep.sum(1)
        return self.head(pooled)


def run_epoch(model, opt, codes_t, flags_t, y_t, batch=16):
    model.train()
    order = torch.randperm(len(y_t))
    total = 0.0
    for s in range(0, len(order), batch):
        sel = order[s:s + batch]
        logits = model(codes_t[sel], flags_t[sel])
        loss = nn.functional.cross_entropy(logits, y_t[sel])
        opt.zero_grad()
        loss.backward()
        opt.step()
        total += loss.item() * len(sel)
    return total / len(order)


def main():
    folder = tempfile.mkdtemp(prefix="amp_")
    csv_path = os.path.join(folder, "peptides.csv")
    synth_peptides(csv_path)
    sequences, activity = read_peptides(csv_path)

    enc = LabelEncoder()
    y = enc.fit_transform(activity)
    codes, lengths, alphabet = residue_codes(sequences)
    pad_flags = padding_positions(codes, lengths)
    print("residue alphabet:", "".join(alphabet), "max length:", codes.shape[1])

    tr, te = train_test_split(np.arange(len(y)), test_size=0.2, random_state=1, stratify=y)

    codes_t = torch.from_numpy(codes)
    flags_t = torch.from_numpy(pad_flags)
    y_t = torch.from_numpy(y.astype(np.int64))

    model = PeptideEncoder(n_symbols=len(alphabet) + 1, n_classes=len(enc.classes_))
    opt = torch.optim.Adam(model.parameters(), lr=2e-3)

    tr_t = torch.from_numpy(tr)
    for epoch in range(3):
        loss = run_epoch(model, opt, codes_t[tr_t], flags_t[tr_t], y_t[tr_t])
        print(f"epoch {epoch}: train loss {loss:.4f}")

    model.eval()
    te_t = torch.from_numpy(te)
    with torch.no_grad():
        pred = model(codes_t[te_t], flags_t[te_t]).argmax(1)
    acc = (pred == y_t[te_t]).float().mean().item()
    print("held-out accuracy:", round(acc, 3))
    print("classes:", enc.classes_.tolist())


if __name__ == "__main__":
    main()
