import math
import random

import torch
import torch.nn as nn

# Tiny solubility regressor over SMILES characters.
MOLECULES = [
    ("CCO", -0.77), ("CC(=O)O", 0.12), ("c1ccccc1", -1.64), ("CCN(CC)CC", 0.36),
    ("CC(C)O", 0.43), ("ClC(Cl)Cl", -1.17), ("OC1CCCCC1", -0.44), ("CCCCCCCC", -5.24),
    ("Oc1ccccc1", 0.00), ("CC(=O)OC", 0.52), ("NC(=O)N", 0.96), ("c1ccncc1", 1.10),
    ("CCCCO", 0.00), ("CCOC(=O)C", -0.04), ("Cc1ccccc1", -2.21), ("OCC(O)CO", 1.12),
]

PAD, CLS = "<pad>", "<cls>"
alphabet = sorted({ch for smi, _ in MOLECULES for ch in smi})
stoi = {tok: i for i, tok in enumerate([PAD, CLS] + alphabet)}


def encode_batch(smiles_list):
    rows = [[stoi[CLS]] + [stoi[c] for c in smi] for smi in smiles_list]
    width = max(len(r) for r in rows)
    chars = torch.full((len(rows), width), stoi[PAD], dtype=torch.long)
    for i, r in enumerate(rows):
        chars[i, : len(r)] = torch.tensor(r)
    return chars, chars != stoi[PAD]


class MaskedMHA(nn.Module):
    def __init__(self, dim, n_head):
        super().__init__()
        self.n_head = n_head
        self.d_head = dim // n_head
        self.in_proj = nn.Linear(dim, 3 * dim)
        self.out_proj = nn.Linear(dim, dim)

    def forward(self, x, valid):
        B, T, D = x.shape
        qkv = self.in_proj(x).view(B, T, 3, self.n_head, self.d_head).permute(2, 0, 3, 1, 4)
        q, k, v = qkv[0], qkv[1], qkv[2]
        att = (q @ k.transpose(-1, -2)) / math.sqrt(self.d_head)
        att = att.masked_fill(~valid[:, None, None, :], float("-inf"))
        att = att.softmax(dim=-1)
        att.masked_fill_(~valid[:, None, :, None], 0.0)
        y = (att @ v).transpose(1, 2).reshape(B, T, D)
        return self.out_proj(y)


class SmilesEncoder(nn.Module):
    def __init__(self, vocab, dim=32, n_head=4, n_layer=2, max_len=64):
        super().__init__()
        self.tok = nn.Embedding(vocab, dim, padding_idx=0)
        self.pos = nn.Parameter(torch.randn(max_len, dim) * 0.02)
        self.attn = nn.ModuleList(MaskedMHA(dim, n_head) for _ in range(n_layer))
        self.ff = nn.ModuleList(
            nn.Sequential(nn.Linear(dim, 2 * dim), nn.SiLU(), nn.Linear(2 * dim, dim)) for _ in range(n_layer)
        )
        self.ln_a = nn.ModuleList(nn.LayerNorm(dim) for _ in range(n_layer))
        self.ln_b = nn.ModuleList(nn.LayerNorm(dim) for _ in range(n_layer))
        self.regress = nn.Linear(dim, 1)

    def forward(self, chars, valid):
        h = self.tok(chars) + self.pos[: chars.size(1)]
        for attn, ff, la, lb in zip(self.attn, self.ff, self.ln_a, self.ln_b):
            h = h + attn(la(h), valid)
            h = h + ff(lb(h))
        return self.regress(h[:, 0]).squeeze(-1)


def main():
    random.seed(11)
    torch.manual_seed(11)
    model = SmilesEncoder(len(stoi))
    opt = torch.optim.AdamW(model.parameters(), lr=2e-3, weight_decay=0.01)
    data = list(MOLECULES)

    for epoch in range(5):
        random.shuffle(data)
        epoch_loss = 0.0
        for i in range(0, len(data), 4):
            chunk = data[i:i + 4]
            chars, valid = encode_batch([s for s, _ in chunk])
            logS = torch.tensor([y for _, y in chunk])
            pred = model(chars, valid)
            loss = nn.functional.smooth_l1_loss(pred, logS)
            opt.zero_grad()
            loss.backward()
            opt.step()
            epoch_loss += loss.item() * len(chunk)
        print(f"epoch {epoch}  huber {epoch_loss / len(data):.3f}")

    model.eval()
    with torch.no_grad():
        chars, valid = encode_batch(["CCCO", "c1ccc(O)cc1"])
        print("predicted logS:", model(chars, valid).tolist())


if __name__ == "__main__":
    main()
