# Score CRISPR guide efficiency from 3-mer tokens with a tiny BERT regressor.
# Guides come in as FASTA-ish records; the header carries the measured cut efficiency.
import re
import tempfile
import itertools
from pathlib import Path

import torch
from torch import nn
from transformers import BertConfig, BertTokenizer, BertModel

torch.manual_seed(7)

RAW = """
>g001 gene=TP53 eff=0.82 pam=AGG
GACCTGCGCAGCATCCTGCA
>g002 gene=TP53 eff=0.41 pam=TGG
TTCGATCGGACTAGCAGGTA
>g003 gene=BRCA1 eff=0.67 pam=CGG
AGCTTGACGTAGGCCATCGA
>g004 gene=BRCA1 eff=0.15 pam=GGG
CCCTTTAAAGGGCCCTTTAA
>g005 gene=EGFR eff=0.93 pam=AGG
GATCGATCGGCTAGCTAGCA
>g006 gene=EGFR eff=0.55 pam=TGG
TGCATGCATCGATCGTAGCT
>g007 gene=KRAS eff=0.28 pam=CGG
AAATTTCCCGGGAAATTTCC
>g008 gene=KRAS eff=0.71 pam=AGG
GCGCATATGCGCATATGCGC
"""

HDR = re.compile(r"^>(\S+)\s+gene=(\w+)\s+eff=([\d.]+)\s+pam=([ACGT]{3})")
K = 3


def parse_fasta(txt):
    recs = {}
    cur = None
    for l in txt.strip().splitlines():
        m = HDR.match(l)
        if m:
            cur = m.group(1)
            recs[cur] = {"gene": m.group(2), "eff": float(m.group(3)), "pam": m.group(4), "seq": ""}
        elif cur:
            recs[cur]["seq"] += l.strip().upper()
    return recs


def kmerize(s, k=K):
    return " ".join(s[i:i + k] for i in range(len(s) - k + 1))


def write_vocab(d):
    p = Path(d) / "vocab.txt"
    toks = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    toks += ["".join(t) for t in itertools.product("acgt", repeat=K)]
    p.write_text("\n".join(toks) + "\n")
    return p


recs = parse_fasta(RAW)
print(f"parsed {len(recs)} guides from {len({r['gene'] for r in recs.values()})} genes")

work = Path(tempfile.mkdtemp(prefix="crispr_"))
vpath = write_vocab(work)
tok = BertTokenizer(str(vpath), do_lower_case=True)

# PAM sites get their own marker tokens so the model can tell guide from PAM
pam_tokens = sorted({f"[PAM_{r['pam']}]" for r in recs.values()})
n_added = tok.add_tokens(pam_tokens, special_tokens=True)
print(f"tokenizer size {len(tok)} (+{n_added} PAM markers)")

cfg = BertConfig(
    vocab_size=5 + 4 ** K,
    hidden_size=32,
    num_hidden_layers=1,
    num_attention_heads=2,
    intermediate_size=64,
    max_position_embeddings=64,
)


class GuideRegressor(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.bert = BertModel(cfg)
        self.out = nn.Linear(cfg.hidden_size, 1)

    def forward(self, **enc):
        h = self.bert(**enc).last_hidden_state[:, 0]
        return self.out(h).squeeze(-1)


model = GuideRegressor(cfg)

texts = [f"{kmerize(r['seq'])} [PAM_{r['pam']}]" for r in recs.values()]
y = torch.tensor([r["eff"] for r in recs.values()])
enc = tok(texts, padding=True, return_tensors="pt")
print("batch shape:", tuple(enc["input_ids"].shape))

opt = torch.optim.AdamW(model.parameters(), lr=3e-4)
loss_fn = nn.MSELoss()
hist = {}
for e in range(30):
    model.train()
    opt.zero_grad()
    pred = model(**enc)
    loss = loss_fn(pred, y)
    loss.backward()
    opt.step()
    hist[e] = {"loss": loss.item(), "mean_pred": pred.mean().item()}
    if e % 10 == 0:
        print(f"epoch {e:3d}  mse={hist[e]['loss']:.4f}  mean_pred={hist[e]['mean_pred']:.3f}")

model.eval()
with torch.no_grad():
    final = model(**enc)
for n, (g, r) in enumerate(recs.items()):
    print(f"{g}\t{r['gene']}\tobs={r['eff']:.2f}\tpred={final[n].item():.2f}")
