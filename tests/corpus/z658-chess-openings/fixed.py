# guess the opening family from the first few moves (SAN), small transformer encoder
# mostly copied from the pytorch transformer tutorial, trimmed down
import math
import torch
import torch.nn as nn
from torch.nn.utils.rnn import pad_sequence

torch.manual_seed(42)

games = [
    ("e4 c5 Nf3 d6 d4 cxd4 Nxd4 Nf6 Nc3 a6", "sicilian"),
    ("e4 c5 Nc3 Nc6 g3 g6 Bg2 Bg7", "sicilian"),
    ("e4 e6 d4 d5 Nc3 Bb4 e5 c5", "french"),
    ("e4 e6 d4 d5 e5 c5 c3 Nc6 Nf3", "french"),
    ("e4 e5 Nf3 Nc6 Bb5 a6 Ba4 Nf6 O-O Be7", "ruy_lopez"),
    ("e4 e5 Nf3 Nc6 Bb5 Nf6 O-O", "ruy_lopez"),
    ("d4 d5 c4 e6 Nc3 Nf6 Bg5 Be7", "queens_gambit"),
    ("d4 d5 c4 dxc4 Nf3 Nf6 e3", "queens_gambit"),
    ("e4 c5 Nf3 e6 d4 cxd4 Nxd4", "sicilian"),
    ("d4 d5 c4 c6 Nf3 Nf6 Nc3", "queens_gambit"),
]
cls = sorted({g[1] for g in games})
c2i = {c: i for i, c in enumerate(cls)}

v = {"<pad>": 0, "<unk>": 1}
for g, _ in games:
    for mv in g.split():
        v.setdefault(mv, len(v))
print("moves in vocab:", len(v), "classes:", cls)

def encode(s):
    return torch.tensor([v.get(mv, 1) for mv in s.split()])

x = pad_sequence([encode(g) for g, _ in games], batch_first=True, padding_value=0)
y = torch.tensor([c2i[c] for _, c in games])
am = (x != 0).long()
print(x.shape, am.sum(1))

class PosEnc(nn.Module):
    def __init__(self, d, n=64):
        super().__init__()
        pe = torch.zeros(n, d)
        pos = torch.arange(n).unsqueeze(1)
        div = torch.exp(torch.arange(0, d, 2) * (-math.log(10000.0) / d))
        pe[:, 0::2] = torch.sin(pos * div)
        pe[:, 1::2] = torch.cos(pos * div)
        self.register_buffer("pe", pe)

    def forward(self, h):
        return h + self.pe[: h.size(1)]

class Net(nn.Module):
    def __init__(self, nv, nc, d=32):
        super().__init__()
        self.emb = nn.Embedding(nv, d, padding_idx=0)
        self.pos = PosEnc(d)
        lay = nn.TransformerEncoderLayer(d, nhead=4, dim_feedforward=64, dropout=0.1, batch_first=True)
        self.enc = nn.TransformerEncoder(lay, num_layers=2)
        self.out = nn.Linear(d, nc)

    def forward(self, x, pad):
        h = self.pos(self.emb(x))
        h = self.enc(h, src_key_padding_mask=pad)
        # mean over real moves only
        w = (pad == 0).unsqueeze(-1).float()
        h = (h * w).sum(1) / w.sum(1)
        return self.out(h)

m = Net(len(v), len(cls))
opt = torch.optim.AdamW(m.parameters(), lr=2e-3)
lossf = nn.CrossEntropyLoss()
pad = am == 0
# print(pad[:2])

for ep in range(30):
    m.train()
    lg = m(x, pad)
    loss = lossf(lg, y)
    opt.zero_grad()
    loss.backward()
    opt.step()
    if ep % 10 == 0:
        print(f"ep {ep} loss {loss.item():.4f}")

m.eval()
with torch.no_grad():
    pr = m(x, pad).argmax(1)
print("train acc", (pr == y).float().mean().item())
test = "e4 c5 Nf3 Nc6 d4 cxd4"
tx = encode(test).unsqueeze(0)
with torch.no_grad():
    print(test, "->", cls[m(tx, tx == 0).argmax(1).item()])
