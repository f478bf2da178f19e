# Toy ACMG-tier predictor: flanking context around a SNV -> one of five clinical significance tiers.
# Input is the curated key=value dump from the variant review sheet.
import re
import random
import tempfile
from pathlib import Path

import torch
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

random.seed(5)
torch.manual_seed(5)

SHEET = """
chrom=17 pos=43044295 ref=G alt=A ctx=CTTAGTGAAGCTCCCAGAGG tier=pathogenic
chrom=13 pos=32340300 ref=C alt=T ctx=AGTCAGCTTCTGAAACAGTT tier=likely_pathogenic
chrom=7 pos=117559590 ref=A alt=G ctx=GGTGTTTCCTATGATGAATA tier=uncertain
chrom=11 pos=108227780 ref=T alt=C ctx=TTGAAGCAGTTTGACATTCA tier=likely_benign
chrom=3 pos=37025749 ref=G alt=T ctx=ACCTCAGGCTTCATTGCAGC tier=benign
chrom=17 pos=7675088 ref=C alt=T ctx=GCCCATGCAGCTGTGGGTTG tier=pathogenic
chrom=2 pos=47403410 ref=A alt=C ctx=TGCAGAAGTTTAGAGATCAA tier=uncertain
chrom=5 pos=112839942 ref=T alt=G ctx=AGAAAGTCCCGAAGCCTTTA tier=likely_benign
chrom=16 pos=23630100 ref=G alt=C ctx=CTGGAGCATCAGACTAAGGA tier=benign
chrom=13 pos=32363200 ref=A alt=T ctx=TTCAGCAAGTTTGGCACCAA tier=likely_pathogenic
"""

KV = re.compile(r"(\w+)=(\S+)")
TIERS = ["benign", "likely_benign", "uncertain", "likely_pathogenic", "pathogenic"]
tier_id = {t: i for i, t in enumerate(TIERS, 1)}


def read_sheet(txt):
    vs = {}
    for l in txt.strip().splitlines():
        d = dict(KV.findall(l))
        key = f"chr{d['chrom']}:{d['pos']}{d['ref']}>{d['alt']}"
        vs[key] = {"ctx": d["ctx"], "ref": d["ref"], "alt": d["alt"], "tier": d["tier"]}
    return vs


def build_tokenizer(root):
    v = root / "vocab.txt"
    v.write_text("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "a", "c", "g", "t"]) + "\n")
    return BertTokenizer(str(v))


def minibatches(keys, bs):
    for i in range(0, len(keys), bs):
        yield keys[i:i + bs]


variants = read_sheet(SHEET)
counts = {}
for k, v in variants.items():
    counts.setdefault(v["tier"], {"n": 0, "chroms": set()})
    counts[v["tier"]]["n"] += 1
    counts[v["tier"]]["chroms"].add(k.split(":")[0])
for t in TIERS:
    c = counts.get(t, {"n": 0, "chroms": set()})
    print(f"{t:18s} n={c['n']} chroms={sorted(c['chroms'])}")

root = Path(tempfile.mkdtemp(prefix="acmg_"))
tok = build_tokenizer(root)
cfg = BertConfig(vocab_size=len(tok), hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                 intermediate_size=64, max_position_embeddings=48, num_labels=len(TIERS))
clf = BertForSequenceClassification(cfg)
opt = torch.optim.AdamW(clf.parameters(), lr=5e-4)


def encode(keys):
    a = [" ".join(variants[k]["ctx"]) for k in keys]
    b = [f"{variants[k]['ref']} {variants[k]['alt']}" for k in keys]
    enc = tok(a, b, padding=True, return_tensors="pt")
    enc["labels"] = torch.tensor([tier_id[variants[k]["tier"]] for k in keys])
    return enc


keys = list(variants)
every = 4
step = 0
for e in range(12):
    random.shuffle(keys)
    clf.train()
    for kb in minibatches(keys, bs=4):
        out = clf(**encode(kb))
        out.loss.backward()
        opt.step()
        opt.zero_grad()
        step += 1
        if step % every == 0:
            print(f"epoch {e:2d} step {step:3d} loss {out.loss.item():.4f}")

clf.eval()
with torch.no_grad():
    enc = encode(keys)
    enc.pop("labels")
    guess = clf(**enc).logits.argmax(-1)
for k, g in zip(keys, guess.tolist()):
    print(f"{k:22s} {variants[k]['tier']:18s} -> {TIERS[g]}")
