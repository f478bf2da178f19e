# tagging knitting pattern rows: which tokens are stitches / counts / repeat markers
# word level, tiny bert from scratch, just to see if it learns anything
import os, tempfile
import torch
from transformers import BertConfig, BertForTokenClassification, BertTokenizer

torch.manual_seed(1)

rows = [
    "k2 p2 repeat to end",
    "k1 yo k2tog k1 ssk yo k1",
    "p across",
    "cast on 24 sts",
    "k2tog repeat from star 3 times",
    "sl1 k1 psso k to last 2 sts",
    "purl 5 knit 5 repeat 4 times",
    "bind off all sts knitwise",
]
# O=other ST=stitch N=count R=repeat marker
tags = [
    "ST ST R O O",
    "ST ST ST ST ST ST ST",
    "ST O",
    "O O N O",
    "ST R O O N O",
    "ST ST ST ST O O N O",
    "ST N ST N R N O",
    "O O O O O",
]
lab = ["O", "ST", "N", "R"]
l2i = {t: i for i, t in enumerate(lab)}

toks = sorted({w for r in rows for w in r.split()})
d = tempfile.mkdtemp()
vf = os.path.join(d, "vocab.txt")
open(vf, "w").write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + toks) + "\n")
tok = BertTokenizer(vf, do_lower_case=True)
print(len(tok), "tokens in vocab")

seqs, tg = [], []
for r, t in zip(rows, tags):
    ws = r.split()
    ids = [tok.cls_token_id] + tok.convert_tokens_to_ids(ws) + [tok.sep_token_id]
    ls = [-100] + [l2i[a] for a in t.split()] + [-100]
    assert len(ids) == len(ls), r
    seqs.append(ids)
    tg.append(ls)

L = max(len(s) for s in seqs)
x = torch.zeros(len(seqs), L, dtype=torch.long)
y = torch.full((len(seqs), L), -100)
am = torch.zeros(len(seqs), L, dtype=torch.long)
for i, (s, t) in enumerate(zip(seqs, tg)):
    x[i, :len(s)] = torch.tensor(s)
    y[i, :len(t)] = torch.tensor(t)
    am[i, :len(s)] = 1
print(x.shape, y.shape)
# print(x[1])
# print(y[1])

cfg = BertConfig(vocab_size=len(tok), hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                 intermediate_size=64, max_position_embeddings=32, num_labels=len(lab))
m = BertForTokenClassification(cfg)
opt = torch.optim.Adam(m.parameters(), lr=1e-3)

for step in range(20):
    m.train()
    out = m(input_ids=x, attention_mask=am, labels=y)
    out.loss.backward()
    opt.step()
    opt.zero_grad()
    if step % 5 == 0:
        print("step", step, out.loss.item())

m.eval()
with torch.no_grad():
    p = m(input_ids=x, attention_mask=am).logits.argmax(-1)
ok = (p == y)[y != -100].float().mean()
print("token acc", ok.item())
for i in range(2):
    n = int(am[i].sum())
    print(rows[i], "->", [lab[j] for j in p[i, 1:n - 1].tolist()])
