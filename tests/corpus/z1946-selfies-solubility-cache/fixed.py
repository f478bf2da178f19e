"""ESOL-style aqueous solubility (logS) regression from SELFIES with a small transformer encoder.

Featurized molecules are cached to a single .npy matrix so repeated runs skip tokenization.
"""
import os
import re
import tempfile

import numpy as np
import torch
import torch.nn as nn

torch.manual_seed(3)
np.random.seed(3)

SELFIES_DATA = [
    ("[C][C][O]", 1.10),
    ("[C][C][C][C][O]", 0.00),
    ("[C][=C][C][=C][C][=C][Ring1][=Branch1]", -1.64),
    ("[C][C][=C][C][=C][C][=C][Ring1][=Branch1]", -2.21),
    ("[Cl][C][=C][C][=C][C][=C][Ring1][=Branch1]", -2.38),
    ("[O][C][=C][C][=C][C][=C][Ring1][=Branch1]", 0.00),
    ("[C][C][Branch1][C][C][O]", 0.43),
    ("[C][C][C][C][C][C][C][C]", -5.24),
    ("[O][=C][Branch1][C][O][C][=C][C][=C][C][=C][Ring1][=Branch1]", -1.55),
    ("[N][C][=C][C][=C][C][=C][Ring1][=Branch1]", -0.41),
    ("[C][C][Branch1][C][C][Branch1][C][C][O]", 0.68),
    ("[Cl][C][Branch1][C][Cl][Branch1][C][Cl][Cl]", -2.31),
    ("[O][C][C][Branch1][C][O][C][O]", 1.12),
    ("[C][C][=Branch1][C][=O][O][C][C]", -0.04),
    ("[C][=C][C][=C][C][=C][C][=C][Ring1][=Branch1][C][=Ring1][Branch2]", -3.60),
    ("[Br][C][=C][C][=C][C][=C][Ring1][=Branch1]", -2.55),
]

SYMBOL = re.compile(r"\[[^\]]+\]")


def build_alphabet(strings):
    alphabet = sorted({s for sf in strings for s in SYMBOL.findall(sf)})
    return {s: i + 1 for i, s in enumerate(alphabet)}  # 0 is padding


def featurize_to_cache(records, alphabet, pad_to, path):
    """One row per molecule: pad_to symbol indices followed by the logS target."""
    block = np.zeros((len(records), pad_to + 1), dtype=np.float32)
    for r, (sf, logs) in enumerate(records):
        idx = [alphabet[s] for s in SYMBOL.findall(sf)][:pad_to]
        block[r, : len(idx)] = idx
        block[r, -1] = logs
    np.save(path, block)


class SolubilityEncoder(nn.Module):
    def __init__(self, n_symbols, pad_to, d_model=48, n_heads=4):
        super().__init__()
        self.symbol_emb = nn.Embedding(n_symbols + 1, d_model, padding_idx=0)
        self.pos_emb = nn.Parameter(torch.randn(1, pad_to, d_model) * 0.02)
        layer = nn.TransformerEncoderLayer(d_model, n_heads, dim_feedforward=96, dropout=0.1, batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, num_layers=2)
        self.out = nn.Linear(d_model, 1)

    def forward(self, symbols):
        pad_mask = symbols == 0
        h = self.symbol_emb(symbols) + self.pos_emb[:, : symbols.size(1)]
        h = self.encoder(h, src_key_padding_mask=pad_mask)
        keep = (~pad_mask).unsqueeze(-1).float()
        pooled = (h * keep).sum(1) / keep.sum(1)
        return self.out(pooled).squeeze(-1)


workdir = tempfile.mkdtemp(prefix="esol_")
cache_path = os.path.join(workdir, "esol_selfies.npy")

alphabet = build_alphabet([s for s, _ in SELFIES_DATA])
pad_to = max(len(SYMBOL.findall(s)) for s, _ in SELFIES_DATA)
if not os.path.exists(cache_path):
    featurize_to_cache(SELFIES_DATA, alphabet, pad_to, cache_path)

block = np.load(cache_path)
print(f"cached matrix {block.shape} from {cache_path}")
symbols = torch.from_numpy(block[:, :-1]).long()
logS = torch.from_numpy(block[:, -1])

perm = torch.randperm(len(symbols))
train_ids, test_ids = perm[:12], perm[12:]
mu, sigma = logS[train_ids].mean(), logS[train_ids].std()

net = SolubilityEncoder(len(alphabet), pad_to)
opt = torch.optim.Adam(net.parameters(), lr=1e-3)

for epoch in range(40):
    net.train()
    for chunk in train_ids.split(4):
        pred = net(symbols[chunk])
        loss = nn.functional.mse_loss(pred, (logS[chunk] - mu) / sigma)
        opt.zero_grad()
        loss.backward()
        opt.step()
    if epoch % 10 == 9:
        net.eval()
        with torch.no_grad():
            test_pred = net(symbols[test_ids]) * sigma + mu
            rmse = torch.sqrt(((test_pred - logS[test_ids]) ** 2).mean())
        print(f"epoch {epoch + 1:3d}  last batch loss {loss.item():.3f}  test RMSE {rmse.item():.3f} logS")
