import math
import re

import torch
import torch.nn as nn

torch.manual_seed(3)

# hERG channel blockade (1 = blocker, IC50 < 10 uM), molecules stored as SELFIES
HERG_SET = [
    ("[C][N][Branch1][C][C][C][C][C][N][C][=C][C][=C][C][=C][Ring1][=Branch1][C][C][C][=C][C][=C][C][=C][Ring1][=Branch1][Ring2][Ring1][Branch1]", 1),
    ("[C][C][=Branch1][C][=O][N][C][=C][C][=C][Branch1][C][O][C][=C][Ring1][=Branch1]", 0),
    ("[Cl][C][=C][C][=C][Branch2][Ring1][C][C][Branch1][Ring2][C][=C][C][=C][C][=C][Ring1][=Branch1][N][C][C][N][Branch1][C][C][C][C][Ring1][Branch2][C][=C][Ring2][Ring1][C]", 1),
    ("[O][C][=Branch1][C][=O][C][=C][C][=C][C][=C][Ring1][=Branch1][O][C][Branch1][C][C][=O]", 0),
    ("[C][C][C][C][N][Branch1][Ring2][C][C][C][C][C][C][Branch1][C][O][Branch1][Ring2][C][=C][C][=C][C][=C][Ring1][=Branch1][C][=C][C][=C][C][=C][Ring1][=Branch1]", 1),
    ("[N][C][=Branch1][C][=O][C][=C][C][=C][N][=C][Ring1][=Branch1]", 0),
    ("[F][C][=C][C][=C][Branch1][=C][C][=Branch1][C][=O][C][C][C][N][C][C][C][C][C][Ring1][=Branch1][C][=C][Ring1][P]", 1),
    ("[O][C][C][Branch1][C][O][C][Branch1][C][O][C][=O]", 0),
    ("[C][O][C][=C][C][=C][Branch1][P][C][C][N][C][C][N][Branch1][Ring2][C][C][C][C][Ring1][=Branch1][C][=C][Ring1][P]", 1),
    ("[C][C][Branch1][C][C][C][C][=C][C][=C][Branch1][=Branch2][C][Branch1][C][C][C][=Branch1][C][=O][O][C][=C][Ring1][=N]", 0),
    ("[C][N][C][C][C][Branch2][Ring1][Ring1][=C][Branch1][=Branch2][C][=C][C][=C][C][=C][Ring1][=Branch1][C][=C][C][=C][S][Ring1][Branch1][C][C][Ring2][Ring1][Ring1]", 1),
    ("[N][C][C][C][=Branch1][C][=O][O]", 0),
]

SELFIES_TOKEN = re.compile(r"\[[^\]]*\]")
SPECIALS = ["<pad>", "<cls>", "<unk>"]


def split_selfies(s):
    return SELFIES_TOKEN.findall(s)


class SymbolTable:
    def __init__(self, corpus):
        self.stoi = {tok: i for i, tok in enumerate(SPECIALS)}
        for s in corpus:
            for sym in split_selfies(s):
                if sym not in self.stoi:
                    self.stoi[sym] = len(self.stoi)
        self.pad = self.stoi["<pad>"]
        self.cls = self.stoi["<cls>"]

    def __len__(self):
        return len(self.stoi)

    def lookup(self, symbols):
        return [self.stoi.get(x, self.stoi["<unk>"]) for x in symbols]


def make_batch(table, entries):
    symbol_lists = [split_selfies(s) for s, _ in entries]
    n_symbols = torch.tensor([len(x) for x in symbol_lists])
    width = int(n_symbols.max())
    body = torch.full((len(entries), width), table.pad, dtype=torch.long)
    for r, syms in enumerate(symbol_lists):
        body[r, : len(syms)] = torch.tensor(table.lookup(syms))
    is_pad = torch.arange(width + 1)[None, :] > n_symbols[:, None]
    cls_col = torch.full((len(entries), 1), table.cls, dtype=torch.long)
    tokens = torch.cat([cls_col, body], dim=1)
    y = torch.tensor([lab for _, lab in entries], dtype=torch.float)
    return tokens, is_pad, y


class SinusoidalPositions(nn.Module):
    def __init__(self, d_model, max_len=512):
        super().__init__()
        pos = torch.arange(max_len).unsqueeze(1)
        div = torch.exp(torch.arange(0, d_model, 2) * (-math.log(10000.0) / d_model))
        pe = torch.zeros(max_len, d_model)
        pe[:, 0::2] = torch.sin(pos * div)
        pe[:, 1::2] = torch.cos(pos * div)
        self.register_buffer("pe", pe)

    def forward(self, x):
        return x + self.pe[: x.size(1)]


class HergClassifier(nn.Module):
    def __init__(self, n_tokens, d_model=64, n_heads=4, depth=2):
        super().__init__()
        self.embed = nn.Embedding(n_tokens, d_model, padding_idx=0)
        self.pos = SinusoidalPositions(d_model)
        layer = nn.TransformerEncoderLayer(
            d_model, n_heads, dim_feedforward=128, dropout=0.1, batch_first=True
        )
        self.encoder = nn.TransformerEncoder(layer, depth, enable_nested_tensor=False)
        self.out = nn.Linear(d_model, 1)

    def forward(self, tokens, is_pad):
        h = self.pos(self.embed(tokens) * math.sqrt(self.embed.embedding_dim))
        h = self.encoder(h, src_key_padding_mask=is_pad)
        return self.out(h[:, 0]).squeeze(-1)


def main():
    table = SymbolTable([s for s, _ in HERG_SET])
    train, valid = HERG_SET[:9], HERG_SET[9:]
    model = HergClassifier(len(table))
    opt = torch.optim.AdamW(model.parameters(), lr=5e-4)
    bce = nn.BCEWithLogitsLoss()

    for epoch in range(8):
        model.train()
        perm = torch.randperm(len(train)).tolist()
        epoch_loss = 0.0
        for k in range(0, len(perm), 3):
            tokens, is_pad, y = make_batch(table, [train[i] for i in perm[k : k + 3]])
            loss = bce(model(tokens, is_pad), y)
            opt.zero_grad()
            loss.backward()
            opt.step()
            epoch_loss += loss.item()
        model.eval()
        with torch.no_grad():
            tokens, is_pad, y = make_batch(table, valid)
            acc = ((model(tokens, is_pad) > 0).float() == y).float().mean().item()
        print(f"epoch {epoch}  train loss {epoch_loss:.3f}  valid acc {acc:.2f}")


if __name__ == "__main__":
    main()
