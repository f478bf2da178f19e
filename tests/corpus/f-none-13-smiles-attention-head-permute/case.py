import math
import torch
import torch.nn as nn

SMILES = ["CCO", "c1ccccc1O", "CC(=O)Nc1ccc(O)cc1", "CCN", "OC(=O)C"]
CHARSET = sorted(set("".join(SMILES)))
PAD = 0
STOI = {ch: i + 1 for i, ch in enumerate(CHARSET)}


def encode_batch(smiles_list):
    max_len = max(len(s) for s in smiles_list)
    ids = torch.full((len(smiles_list), max_len), PAD, dtype=torch.long)
    for row, s in enumerate(smiles_list):
        ids[row, : len(s)] = torch.tensor([STOI[c] for c in s])
    return ids


class MoleculeSelfAttention(nn.Module):
    def __init__(self, d_model=32, n_heads=4):
        super().__init__()
        self.n_heads = n_heads
        self.head_dim = d_model // n_heads
        self.qkv = nn.Linear(d_model, 3 * d_model)
        self.out = nn.Linear(d_model, d_model)

    def split_heads(self, x):
        bsz, seq_len, _ = x.shape
        return x.view(bsz, seq_len, self.n_heads, self.head_dim).permute(2, 0, 1, 3)

    def forward(self, x, pad_mask):
        bsz, seq_len, d_model = x.shape
        q, k, v = self.qkv(x).chunk(3, dim=-1)
        q, k, v = self.split_heads(q), self.split_heads(k), self.split_heads(v)
        scores = q @ k.transpose(-2, -1) / math.sqrt(self.head_dim)
        blocked = pad_mask[:, None, None, :]
        scores = scores.masked_fill(blocked, float("-inf"))
        attn = scores.softmax(dim=-1)
        ctx = (attn @ v).transpose(1, 2).reshape(bsz, seq_len, d_model)
        return self.out(ctx)


class SolubilityRegressor(nn.Module):
    def __init__(self, vocab_size, d_model=32):
        super().__init__()
        self.embed = nn.Embedding(vocab_size, d_model, padding_idx=PAD)
        self.attn = MoleculeSelfAttention(d_model)
        self.readout = nn.Linear(d_model, 1)

    def forward(self, ids):
        pad_mask = ids.eq(PAD)
        h = self.embed(ids)
        h = h + self.attn(h, pad_mask)
        keep = (~pad_mask).unsqueeze(-1).float()
        pooled = (h * keep).sum(1) / keep.sum(1)
        return self.readout(pooled).squeeze(-1)


if __name__ == "__main__":
    torch.manual_seed(0)
    ids = encode_batch(SMILES)
    log_s = torch.tensor([1.1, -0.04, -1.03, 2.0, 0.9])
    model = SolubilityRegressor(len(CHARSET) + 1)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    for step in range(3):
        pred = model(ids)
        loss = nn.functional.mse_loss(pred, log_s)
        opt.zero_grad()
        loss.backward()
        opt.step()
        print(f"step {step}: mse={loss.item():.4f}")
