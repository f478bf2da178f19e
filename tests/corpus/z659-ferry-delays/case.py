# ferry delay reports -> delay cause
# tiny bert from scratch first, swap to pretrained later if this works
import os, tempfile
import torch
import torch.nn as nn
from transformers import BertConfig, BertModel, BertForSequenceClassification, BertTokenizer

torch.manual_seed(7)

reports = [
    ("departure held 40 min due to gale warning and high swell at harbour mouth", "weather"),
    ("fog in the strait, radar watch, reduced speed, arrived 25 min late", "weather"),
    ("port engine overheating, returned to berth for inspection", "mechanical"),
    ("bow door sensor fault, loading stopped until engineer cleared it", "mechanical"),
    ("relief master late from previous shift, sailing delayed", "crew"),
    ("deckhand sick, minimum crew not met, waited for cover", "crew"),
    ("queue of trucks at check in, late loading of vehicle deck", "traffic"),
    ("coach party arrived late, vehicle deck loading held 15 min", "traffic"),
    ("strong wind on the ramp, unsafe to load high vehicles", "weather"),
    ("steering gear alarm on approach, slow speed to berth", "mechanical"),
]
causes = ["weather", "mechanical", "crew", "traffic"]
yy = torch.tensor([causes.index(c) for _, c in reports])

words = sorted({w for t, _ in reports for w in t.replace(",", " ").split()})
d = tempfile.mkdtemp()
vp = os.path.join(d, "vocab.txt")
with open(vp, "w") as f:
    f.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", ","] + words))
tok = BertTokenizer(vp)
enc = tok([t for t, _ in reports], padding=True, return_tensors="pt")
print("batch", {k: tuple(v.shape) for k, v in enc.items()})
print(tok.convert_ids_to_tokens(enc["input_ids"][0])[:12])

cfg = BertConfig(vocab_size=len(tok), hidden_size=48, num_hidden_layers=2, num_attention_heads=4,
                 intermediate_size=96, max_position_embeddings=64, num_labels=len(causes))
m = BertForSequenceClassification(cfg)

# how big would this get with bert-base on the cluster? meta = no memory used
with torch.device("meta"):
    big = BertModel(BertConfig())
    hd = nn.Sequential(
        nn.Linear(cfg.hidden_size, 64),
        nn.GELU(),
        nn.Dropout(0.1),
        nn.Linear(64, len(causes)),
    )
    print("bert-base params:", sum(p.numel() for p in big.parameters()))
    print("head params:", sum(p.numel() for p in hd.parameters()))
del big

# 2 layer head instead of the single linear
m.classifier = hd
print(m.classifier)
# for p in m.bert.embeddings.parameters(): p.requires_grad = False

opt = torch.optim.AdamW([p for p in m.parameters() if p.requires_grad], lr=5e-4)

def batches(bs=4):
    idx = torch.randperm(len(reports))
    for i in range(0, len(idx), bs):
        j = idx[i:i + bs]
        yield {k: v[j] for k, v in enc.items()}, yy[j]

for ep in range(4):
    m.train()
    tl = 0
    for b, yb in batches():
        out = m(**b, labels=yb)
        opt.zero_grad()
        out.loss.backward()
        opt.step()
        tl += out.loss.item()
    print("epoch", ep, "loss", tl)

m.eval()
with torch.no_grad():
    pr = m(**enc).logits.argmax(-1)
for (t, c), p in zip(reports[:4], pr[:4].tolist()):
    print(f"{c:>10} | {causes[p]:>10} | {t[:40]}")
print("acc", (pr == yy).float().mean().item())
