# Classify E. coli promoters by sigma factor (sigma70 / sigma54 / sigma32) with a small nucleotide BERT.
# Annotations come from the RegulonDB export as key=value lines, one promoter per line.
import re
import tempfile
from pathlib import Path
from dataclasses import dataclass

import torch
from torch import nn
from transformers import BertConfig, BertModel, BertTokenizer

torch.manual_seed(3)

EXPORT = """
id=lacZp1   sigma=70 strand=- seq=TTTACACTTTATGCTTCCGGCTCGTATGTTGTGTGG
id=trpEp    sigma=70 strand=+ seq=TTGACAATTAATCATCGAACTAGTTAACTAGTACGC
id=glnAp2   sigma=54 strand=- seq=TGGCACGCTTTTTGCAATTTGCTCATGATGCACCAG
id=nifLp    sigma=54 strand=+ seq=CTGGCACGACGGTCGCAATCTGCCGGCATTTAACGG
id=groESp   sigma=32 strand=+ seq=CCCTTGAAAAGCGGTTGCTCCCCCATATGAGTATGA
id=dnaKp1   sigma=32 strand=+ seq=TTGGGTTGCCATTAAGTAAACCCCCATTTAGATAAA
id=araBp    sigma=70 strand=- seq=TTTATGACAACTTGACGGCTACATCATTCACTTTTT
id=rtcBp    sigma=54 strand=+ seq=GTGGCATAATTGTTGCAAATGCCGCAAGTTAGCGCT
# id=htpGp  sigma=32 strand=+ seq=pending curation
id=ibpAp    sigma=32 strand=- seq=CTTGAAGCGCTTTTCACCCCCATATAAGAATGCGAT
"""

LINE = re.compile(r"^id=(\S+)\s+sigma=(\d+)\s+strand=([+-])\s+seq=([ACGTN]+)$")
SIGMAS = {"70": 0, "54": 1, "32": 2}


@dataclass
class Promoter:
    pid: str
    sigma: str
    strand: str
    seq: str


def parse_export(txt):
    out = {}
    for l in txt.strip().splitlines():
        if l.startswith("#"):
            continue
        m = LINE.match(l.strip())
        if not m:
            print(f"  unparsed line: {l[:40]!r}")
            continue
        p = Promoter(*m.groups())
        out[p.pid] = {"rec": p, "y": SIGMAS[p.sigma]}
    return out


def nt_vocab(d):
    f = Path(d) / "vocab.txt"
    f.write_text("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "a", "c", "g", "t", "n"]) + "\n")
    return f


class SigmaClassifier(nn.Module):
    """CLS vector concatenated with the masked mean over nucleotides, then a linear head."""

    def __init__(self, cfg, n_cls):
        super().__init__()
        self.enc = BertModel(cfg, add_pooling_layer=False)
        self.drop = nn.Dropout(0.1)
        self.cls_head = nn.Linear(2 * cfg.hidden_size, n_cls)

    def forward(self, input_ids, attention_mask, token_type_ids=None):
        h = self.enc(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
        w = attention_mask.unsqueeze(-1).float()
        mean = (h * w).sum(1) / w.sum(1).clamp(min=1.0)
        feats = torch.cat([h[:, 0], mean], dim=-1)
        return self.cls_head(self.drop(feats))


proms = parse_export(EXPORT)
per_sigma = {}
for k, v in proms.items():
    per_sigma.setdefault(v["rec"].sigma, {})[k] = len(v["rec"].seq)
for s, d in per_sigma.items():
    print(f"sigma{s}: {len(d)} promoters, mean len {sum(d.values()) / len(d):.1f}")

tdir = Path(tempfile.mkdtemp(prefix="sigma_bert_"))
tok = BertTokenizer(str(nt_vocab(tdir)))
cfg = BertConfig(vocab_size=len(tok), hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                 intermediate_size=64, max_position_embeddings=64)
model = SigmaClassifier(cfg, n_cls=len(SIGMAS))

spaced = [" ".join(v["rec"].seq) for v in proms.values()]
batch = tok(spaced, padding=True, return_tensors="pt")
target = torch.tensor([v["y"] for v in proms.values()])
print("encoded", tuple(batch["input_ids"].shape), "targets", target.tolist())

opt = torch.optim.AdamW(model.parameters(), lr=1e-3)
ce = nn.CrossEntropyLoss()
N = 10
trace = {}
for i in range(40):
    model.train()
    logits = model(**batch)
    loss = ce(logits, target)
    opt.zero_grad()
    loss.backward()
    opt.step()
    trace[i] = {"loss": round(loss.item(), 4)}
    if i % N == 0:
        print(f"step {i:3d}  ce={trace[i]['loss']}")

model.eval()
with torch.no_grad():
    pred = model(**batch).argmax(-1)
inv = {v: k for k, v in SIGMAS.items()}
for j, k in enumerate(proms):
    print(f"{k:8s} true=sigma{proms[k]['rec'].sigma} pred=sigma{inv[pred[j].item()]}")
