import os
import tempfile

import torch
import torch.nn.functional as F
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

torch.manual_seed(3)

KINDS = ["bugfix", "feature", "docs", "refactor"]
COMMITS = [
    ("fix null pointer in cache eviction", "bugfix"),
    ("add retry option to upload client", "feature"),
    ("update readme install section", "docs"),
    ("rename helper and split parser module", "refactor"),
    ("fix off by one in pagination", "bugfix"),
    ("add dark mode toggle to settings", "feature"),
    ("document config flags in readme", "docs"),
    ("extract retry logic into helper module", "refactor"),
]

scratch = tempfile.mkdtemp()
vocab_txt = os.path.join(scratch, "vocab.txt")
terms = sorted({w for msg, _ in COMMITS for w in msg.split()})
with open(vocab_txt, "w") as fh:
    fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + terms) + "\n")
wp = BertTokenizer(vocab_txt)

msgs = [m for m, _ in COMMITS]
kind_ids = torch.tensor([KINDS.index(k) for _, k in COMMITS])
enc = wp(msgs, padding=True, return_tensors="pt")

# ---- stage 1: fit the 6-layer teacher and checkpoint it ----
big_cfg = BertConfig(vocab_size=wp.vocab_size, hidden_size=32, num_hidden_layers=6,
                     num_attention_heads=2, intermediate_size=96, max_position_embeddings=32,
                     num_labels=len(KINDS))
big = BertForSequenceClassification(big_cfg)
opt = torch.optim.AdamW(big.parameters(), lr=1e-3)
for step in range(2):
    out = big(**enc, labels=kind_ids)
    opt.zero_grad()
    out.loss.backward()
    opt.step()
print(f"teacher loss after fit: {out.loss.item():.4f}")
ckpt_path = os.path.join(scratch, "commit_teacher.pt")
torch.save(big.state_dict(), ckpt_path)
del big

# ---- stage 2: build a 2-layer student initialised from teacher layers 0 and 5 ----
state = torch.load(ckpt_path)
small_cfg = BertConfig(
    vocab_size=big_cfg.vocab_size,
    hidden_size=big_cfg.hidden_size,
    num_hidden_layers=2,
    num_attention_heads=big_cfg.num_attention_heads,
    intermediate_size=4 * big_cfg.hidden_size,
    max_position_embeddings=big_cfg.max_position_embeddings,
    num_labels=big_cfg.num_labels,
)
small = BertForSequenceClassification(small_cfg)


def sub_state(full, prefix):
    return {k[len(prefix):]: v for k, v in full.items() if k.startswith(prefix)}


small.bert.embeddings.load_state_dict(sub_state(state, "bert.embeddings."))
small.bert.pooler.load_state_dict(sub_state(state, "bert.pooler."))
small.classifier.load_state_dict(sub_state(state, "classifier."))
layer_map = {0: 0, 1: big_cfg.num_hidden_layers - 1}
for dst, src in layer_map.items():
    small.bert.encoder.layer[dst].load_state_dict(sub_state(state, f"bert.encoder.layer.{src}."))

# ---- stage 3: distil ----
teacher = BertForSequenceClassification(big_cfg)
teacher.load_state_dict(state)
teacher.eval()
with torch.no_grad():
    t_logits = teacher(**enc).logits

opt = torch.optim.AdamW(small.parameters(), lr=5e-4)
temp = 3.0
for step in range(3):
    s_logits = small(**enc).logits
    kd = F.kl_div(F.log_softmax(s_logits / temp, -1), F.softmax(t_logits / temp, -1),
                  reduction="batchmean") * temp ** 2
    ce = F.cross_entropy(s_logits, kind_ids)
    loss = 0.7 * kd + 0.3 * ce
    opt.zero_grad()
    loss.backward()
    opt.step()
print(f"student loss: {loss.item():.4f}")

small.eval()
with torch.no_grad():
    q = wp(["fix retry in upload client"], return_tensors="pt")
    print("predicted kind:", KINDS[small(**q).logits.argmax(-1).item()])
