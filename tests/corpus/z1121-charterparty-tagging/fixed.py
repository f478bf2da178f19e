# Clause tagging for long charter-party documents.
# Tiny encoder trained on fixed windows, then evaluated on a whole document with
# overlapping windows whose logits are averaged back onto the document's tokens.
import numpy as np
import torch
import torch.nn as nn

torch.manual_seed(3)
rng = np.random.default_rng(3)

TAGS = ["O", "LAYTIME", "DEMURRAGE", "FREIGHT"]
KEY = {"laytime": 1, "notice": 1, "readiness": 1, "demurrage": 2, "per": 2, "day": 2,
       "freight": 3, "payable": 3, "lumpsum": 3}
FILLER = ("the owners charterers vessel shall at port berth cargo be and of to in "
          "as agreed master discharge loading said").split()

W, S = 16, 8          # window length, stride
D, H, C = 32, 2, len(TAGS)

# --- synthetic documents -------------------------------------------------------
words = sorted(set(FILLER) | set(KEY))
vocab = {w: i + 1 for i, w in enumerate(words)}   # 0 = pad
V = len(vocab) + 1


def make_doc(n):
    toks = rng.choice(FILLER, size=n)
    k = rng.integers(0, n, size=n // 5)
    toks[k] = rng.choice(list(KEY), size=k.size)
    return toks


def encode(toks):
    ids = np.array([vocab[t] for t in toks], dtype=np.int64)
    y = np.array([KEY.get(t, 0) for t in toks], dtype=np.int64)
    return ids, y


def window_starts(n):
    s = np.arange(0, n - W, S)
    return np.r_[s, n - W]          # last window flush with the end


train_docs = [encode(make_doc(int(n))) for n in rng.integers(40, 90, size=12)]

# windows for training
Xs, Ys = [], []
for ids, y in train_docs:
    st = window_starts(len(ids))
    J = st[:, None] + np.arange(W)[None, :]          # (n_win, W)
    Xs.append(ids[J]); Ys.append(y[J])
X = np.concatenate(Xs); Y = np.concatenate(Ys)
print(f"train windows: {X.shape}, tag counts: {np.bincount(Y.ravel(), minlength=C)}")


class Tagger(nn.Module):
    def __init__(self):
        super().__init__()
        self.tok = nn.Embedding(V, D, padding_idx=0)
        self.pos = nn.Embedding(W, D)
        layer = nn.TransformerEncoderLayer(D, H, dim_feedforward=64, batch_first=True, dropout=0.0)
        self.enc = nn.TransformerEncoder(layer, num_layers=1)
        self.out = nn.Linear(D, C)

    def forward(self, ids):
        p = torch.arange(ids.size(1), device=ids.device)
        return self.out(self.enc(self.tok(ids) + self.pos(p)))


model = Tagger()
opt = torch.optim.AdamW(model.parameters(), lr=3e-3)
lossf = nn.CrossEntropyLoss()
Xt, Yt = torch.from_numpy(X), torch.from_numpy(Y)
for epoch in range(3):
    perm = torch.randperm(len(Xt))
    tot = 0.0
    for b in perm.split(16):
        logits = model(Xt[b])
        loss = lossf(logits.reshape(-1, C), Yt[b].reshape(-1))
        opt.zero_grad(); loss.backward(); opt.step()
        tot += loss.item() * len(b)
    print(f"epoch {epoch} loss {tot / len(Xt):.4f}")

# --- whole-document evaluation -------------------------------------------------
model.eval()
test_ids, test_y = encode(make_doc(75))
n_tok = len(test_ids)
st = window_starts(n_tok)
J = st[:, None] + np.arange(W)[None, :]
Xw = test_ids[J]
print(f"test doc: {n_tok} tokens -> {Xw.shape[0]} windows")

with torch.no_grad():
    Lw = model(torch.from_numpy(Xw))                  # (n_win, W, C)

acc = torch.zeros(n_tok, C)
cnt = torch.zeros(n_tok)
pos = torch.from_numpy(J.reshape(-1))
acc.index_add_(0, pos, Lw.reshape(-1, C))
cnt.index_add_(0, pos, torch.ones(pos.numel()))
P = (acc / cnt[:, None]).argmax(-1).numpy()

tok_acc = (P == test_y).mean()
tagged = test_y > 0
print(f"token accuracy {tok_acc:.3f}; clause-token recall {(P[tagged] == test_y[tagged]).mean():.3f}")
