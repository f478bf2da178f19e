# Per-residue secondary structure tagger (H/E/C) for short peptide fragments.
# Records are dumped by the DSSP wrapper as paired seq/ss lines under a FASTA header.
import re
import random
import tempfile
from pathlib import Path

import torch
from torch import nn
from torch.nn.utils.rnn import pad_sequence

random.seed(11)
torch.manual_seed(11)

DSSP_DUMP = """
>1abc_A len=24
seq=MKTAYIAKQRQISFVKSHFSRQLE
ss=CCHHHHHHHHHHHHCCCEEEECCC
>2xyz_B len=18
seq=GSHMLEDPVNTVKLLEAG
ss=CCCCEEEEECCHHHHHHC
>3pqr_A len=27
seq=MVLSEGEWQLVLHVWAKVEADVAGHGQ
ss=CCCCHHHHHHHHHHHHHHHCCCCCEEE
>4lmn_C len=21
seq=ATYKLILNGKTLKGETTTEAV
ss=CEEEEEECCCEEEEEEEECCC
>5def_A len=15
seq=DAEFRHDSGYEVHHQ
ss=CCCCCCCCEEEECCC
>6ghi_A len=22
seq=KVFGRCELAAAMKRHGLDNYRG
ss=CHHHHHHHHHHHHHCCCCCCCC
"""

REC = re.compile(r">(\S+)\s+len=(\d+)\nseq=([A-Z]+)\nss=([HEC]+)")
AA = "ACDEFGHIKLMNPQRSTVWY"
SS = {"H": 0, "E": 1, "C": 2}
PAD_TGT = -100


def load_records(path):
    recs = {}
    for m in REC.finditer(path.read_text()):
        pid, n, s, t = m.group(1), int(m.group(2)), m.group(3), m.group(4)
        if len(s) != n or len(t) != n:
            print(f"  skip {pid}: length field {n} vs seq {len(s)} / ss {len(t)}")
            continue
        recs[pid] = {"seq": s, "ss": t, "n": n}
    return recs


def encode(r):
    x = torch.tensor([AA.index(c) + 1 for c in r["seq"]])
    y = torch.tensor([SS[c] for c in r["ss"]])
    return x, y


def batches(recs, bs):
    ids = list(recs)
    random.shuffle(ids)
    for i in range(0, len(ids), bs):
        chunk = [encode(recs[p]) for p in ids[i:i + bs]]
        xs = pad_sequence([c[0] for c in chunk], batch_first=True, padding_value=0)
        ys = pad_sequence([c[1] for c in chunk], batch_first=True, padding_value=PAD_TGT)
        yield xs, ys


class SSTagger(nn.Module):
    def __init__(self, n_aa=len(AA) + 1, d=32, n_ss=len(SS)):
        super().__init__()
        self.emb = nn.Embedding(n_aa, d, padding_idx=0)
        self.rnn = nn.GRU(d, d, batch_first=True, bidirectional=True)
        self.head = nn.Linear(2 * d, n_ss)

    def forward(self, x):
        h, _ = self.rnn(self.emb(x))
        return self.head(h)


tmp = Path(tempfile.mkdtemp(prefix="dssp_"))
dump = tmp / "fragments.dssp.txt"
dump.write_text(DSSP_DUMP.strip() + "\n")
recs = load_records(dump)
print(f"loaded {len(recs)} fragments from {dump.name}")

comp = {}
for p, r in recs.items():
    comp[p] = {k: r["ss"].count(k) / r["n"] for k in SS}
for p, c in comp.items():
    print(f"  {p:8s} " + " ".join(f"{k}={v:.2f}" for k, v in c.items()))

model = SSTagger()
opt = torch.optim.Adam(model.parameters(), lr=5e-3)
crit = nn.CrossEntropyLoss(ignore_index=PAD_TGT)

log = {}
step = 0
for e in range(2):
    tot = 0.0
    for xb, yb in batches(recs, bs=4):
        logits = model(xb)
        loss = crit(logits.transpose(1, 2), yb)
        opt.zero_grad()
        loss.backward()
        opt.step()
        tot += loss.item()
        step += 1
    log[e] = {"loss": tot, "steps": step}
    if e % 5 == 0:
        print(f"epoch {e:2d} step {step:3d} loss {tot:.4f}")

model.eval()
hits, seen = 0, 0
with torch.no_grad():
    for p, r in recs.items():
        x, y = encode(r)
        pr = model(x.unsqueeze(0)).argmax(-1).squeeze(0)
        hits += (pr == y).sum().item()
        seen += len(y)
print(f"Q3 on train fragments: {hits / seen:.3f}")
