# claim vs prior-art passage: does the passage anticipate the claim?
# pair classifier on a tiny bert, cpu only, offline node
import os
import tempfile

os.environ.setdefault("HF_HUB_OFFLINE", "1")

import torch
from transformers import BertConfig, BertForSequenceClassification, BertModel, BertTokenizer

torch.manual_seed(7)

PAIRS = [
    ("a fastener comprising a threaded shank and a polymer sleeve",
     "the bolt has a threaded shank surrounded by a nylon sleeve", 1),
    ("a hinge with a spring biased detent holding the lid open",
     "the container lid is held by friction against the rim", 0),
    ("a sensor housing sealed by an o ring between two shells",
     "two shells are clamped together with an elastomer o ring seal", 1),
    ("a valve wherein the seat is formed of ceramic",
     "the valve seat is machined from brass and hardened", 0),
    ("a bracket having slotted holes for height adjustment",
     "slotted holes in the bracket allow the height to be adjusted", 1),
    ("a pump impeller with backward curved vanes",
     "the impeller uses straight radial vanes for simplicity", 0),
]

SPECIALS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
# settings from the distilled run last month
ARCH_SMALL = dict(
    hidden_size=32,
    num_hidden_layers=1,
    num_attention_heads=2,
    intermediate_size=64,
    max_position_embeddings=64,
    type_vocab_size=1,
)

workdir = tempfile.mkdtemp(prefix="claims_")
words = sorted({w for a, b, _ in PAIRS for w in (a + " " + b).split()})
with open(os.path.join(workdir, "vocab.txt"), "w") as fh:
    fh.write("\n".join(SPECIALS + words) + "\n")
tok = BertTokenizer(os.path.join(workdir, "vocab.txt"))
print("vocab", len(tok))

ckpt_dir = os.path.join(os.path.dirname(os.path.abspath(__file__)), "checkpoints", "claims-bert-v2")
try:
    cfg = BertConfig.from_pretrained(ckpt_dir)
    print("config from", ckpt_dir)
except OSError as err:
    print("no saved config, using ARCH_SMALL:", str(err)[:60])
    cfg = BertConfig(vocab_size=len(tok), **ARCH_SMALL)

cfg.vocab_size = len(tok)
cfg.num_labels = 2

# smoke test the encoder on a single claim first
model = BertModel(cfg)
x = PAIRS[0][0]
x = tok(x, return_tensors="pt")
with torch.no_grad():
    h = model(**x).last_hidden_state
print("encoder ok:", tuple(h.shape))
assert h.shape[-1] == cfg.hidden_size

# now the real thing
model = BertForSequenceClassification(cfg)
x = tok(
    [a for a, _, _ in PAIRS],
    [b for _, b, _ in PAIRS],
    padding=True,
    truncation=True,
    max_length=cfg.max_position_embeddings,
    return_tensors="pt",
)
gold = torch.tensor([lab for _, _, lab in PAIRS])
print("batch", {k: tuple(v.shape) for k, v in x.items()})

opt = torch.optim.AdamW(model.parameters(), lr=5e-4, weight_decay=0.01)
model.train()
for step in range(6):
    out = model(**x, labels=gold)
    out.loss.backward()
    torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
    opt.step()
    opt.zero_grad()
    if step % 2 == 0:
        print(f"step {step} loss {out.loss.item():.4f}")

model.eval()
with torch.no_grad():
    probs = model(**x).logits.softmax(-1)[:, 1]
for (claim, _, lab), p in zip(PAIRS, probs.tolist()):
    print(f"{lab} {p:.2f}  {claim[:50]}")
