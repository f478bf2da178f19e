import math
import random

import torch
import torch.nn as nn
import torch.nn.functional as F

AMINO = "ACDEFGHIKLMNPQRSTVWY"
RES2IDX = {aa: i + 1 for i, aa in enumerate(AMINO)}  # 0 = pad
SS_CLASSES = 3  # helix / strand / coil


class Cfg:
    d_model = 48
    n_heads = 4
    n_layers = 2
    max_residues = 64
    dropout = 0.1


def sinusoid_table(n_pos, dim):
    pos = torch.arange(n_pos, dtype=torch.float32).unsqueeze(1)
    div = torch.exp(torch.arange(0, dim, 2, dtype=torch.float32) * (-math.log(10000.0) / dim))
    table = torch.zeros(n_pos, dim)
    table[:, 0::2] = torch.sin(pos * div)
    table[:, 1::2] = torch.cos(pos * div)
    return table


class ResidueAttention(nn.Module):
    def __init__(self, d_model, n_heads, dropout):
        super().__init__()
        self.h = n_heads
        self.dk = d_model // n_heads
        self.qkv = nn.Linear(d_model, 3 * d_model)
        self.proj = nn.Linear(d_model, d_model)
        self.drop = nn.Dropout(dropout)

    def forward(self, x, keep):
        b, n, _ = x.shape
        q, k, v = self.qkv(x).chunk(3, dim=-1)
        q = q.view(b, n, self.h, self.dk).permute(0, 2, 1, 3)
        k = k.view(b, n, self.h, self.dk).permute(0, 2, 1, 3)
        v = v.view(b, n, self.h, self.dk).permute(0, 2, 1, 3)
        logits = q @ k.transpose(-2, -1) / math.sqrt(self.dk)
        logits = logits.masked_fill(~keep[:, None, None, :], float("-inf"))
        attn = self.drop(logits.softmax(dim=-1))
        ctx = (attn @ v).permute(0, 2, 1, 3).reshape(b, n, -1)
        return self.proj(ctx)


class Block(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.ln1 = nn.LayerNorm(cfg.d_model)
        self.attn = ResidueAttention(cfg.d_model, cfg.n_heads, cfg.dropout)
        self.ln2 = nn.LayerNorm(cfg.d_model)
        self.ff = nn.Sequential(
            nn.Linear(cfg.d_model, 4 * cfg.d_model), nn.GELU(), nn.Linear(4 * cfg.d_model, cfg.d_model)
        )

    def forward(self, x, keep):
        x = x + self.attn(self.ln1(x), keep)
        return x + self.ff(self.ln2(x))


class SecondaryStructureNet(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.embed = nn.Embedding(len(AMINO) + 1, cfg.d_model, padding_idx=0)
        self.register_buffer("pos_table", sinusoid_table(cfg.max_residues, cfg.d_model))
        self.blocks = nn.ModuleList([Block(cfg) for _ in range(cfg.n_layers)])
        self.head = nn.Linear(cfg.d_model, SS_CLASSES)

    def forward(self, residues, keep):
        n = residues.size(1)
        h = self.embed(residues) + self.pos_table[:n]
        for blk in self.blocks:
            h = blk(h, keep)
        return self.head(h)


def random_chain(rng):
    length = rng.randint(18, 40)
    seq = "".join(rng.choice(AMINO) for _ in range(length))
    labels = [rng.randrange(SS_CLASSES) for _ in range(length)]
    return seq, labels


def collate(chains, cfg):
    longest = max(len(s) for s, _ in chains)
    residues = torch.zeros(len(chains), longest, dtype=torch.long)
    targets = torch.full((len(chains), longest), -100, dtype=torch.long)
    for i, (seq, lab) in enumerate(chains):
        residues[i, : len(seq)] = torch.tensor([RES2IDX[a] for a in seq])
        targets[i, : len(lab)] = torch.tensor(lab)
    chain_lens = torch.tensor([len(s) for s, _ in chains])
    keep = torch.arange(longest)[None, :] < chain_lens[:, None]
    return residues, targets, keep


def main():
    torch.manual_seed(0)
    rng = random.Random(0)
    cfg = Cfg()
    dataset = [random_chain(rng) for _ in range(32)]
    model = SecondaryStructureNet(cfg)
    opt = torch.optim.AdamW(model.parameters(), lr=3e-4)

    for epoch in range(2):
        rng.shuffle(dataset)
        total = 0.0
        for start in range(0, len(dataset), 8):
            residues, targets, keep = collate(dataset[start:start + 8], cfg)
            logits = model(residues, keep)
            loss = F.cross_entropy(logits.reshape(-1, SS_CLASSES), targets.reshape(-1), ignore_index=-100)
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item()
        print(f"epoch {epoch} loss {total / 4:.4f}")


if __name__ == "__main__":
    main()
