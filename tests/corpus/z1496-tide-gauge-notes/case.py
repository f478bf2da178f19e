# quick triage classifier for tide-gauge maintenance notes
# (routine / sensor fault / datum shift) - tiny BERT from scratch, just to
# see whether the notes carry enough signal before asking for GPU time
import os
import random
import tempfile
from dataclasses import dataclass

import torch
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

random.seed(3)
torch.manual_seed(3)

NOTES = [
    "routine visit , cleaned stilling well , no issues",
    "pressure sensor drifting again , swapped the logger battery and re ran the levelling against the benchmark , "
    "readings still offset by about four centimetres after the swap so flagged for datum review",
    "float cable snagged , freed it , readings fine",
    "benchmark survey shows the tide staff moved after the storm , new datum needs to be applied to the series "
    "from march onwards , old staff left in place for comparison",
    "radar gauge reporting spikes every high water , likely bird on the mount",
    "routine visit , checked solar panel and modem",
    "logger clock was two hours behind , resynced",
    "quay wall resurfaced , contractor removed the old benchmark plate , temporary mark installed and levelled to "
    "the nearest fundamental mark , offsets recorded in the site book",
]
TAGS = [0, 2, 1, 2, 1, 0, 1, 2]


@dataclass
class Knobs:
    max_len: int = 24
    batch_size: int = 4
    lr: float = 3e-4
    epochs: int = 2


cfg = Knobs()


def build_vocab(texts, path):
    words = sorted({w for t in texts for w in t.lower().split()})
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    with open(path, "w") as fh:
        fh.write("\n".join(specials + words) + "\n")
    return len(specials) + len(words)


workdir = tempfile.mkdtemp(prefix="tidegauge_")
vocab_path = os.path.join(workdir, "vocab.txt")
n_vocab = build_vocab(NOTES, vocab_path)
tok = BertTokenizer(vocab_path)
tok.model_max_length = cfg.max_len
print(f"vocab: {n_vocab} entries, tokenizer sees {len(tok)}")

x = NOTES
lens = [len(tok.tokenize(t)) + 2 for t in x]
print("note lengths (with specials):", lens)

model_cfg = BertConfig(
    vocab_size=len(tok),
    hidden_size=32,
    num_hidden_layers=1,
    num_attention_heads=2,
    intermediate_size=64,
    max_position_embeddings=cfg.max_len,
    num_labels=3,
)
model = BertForSequenceClassification(model_cfg)
print("params:", sum(p.numel() for p in model.parameters()))

# the long notes are exactly the datum ones - cutting them loses the part that matters
if max(lens) > cfg.max_len:
    cfg.max_len = max(lens)
    tok.model_max_length = cfg.max_len
    print("bumped max_len to", cfg.max_len)

x = tok(x, padding=True, truncation=True, max_length=cfg.max_len, return_tensors="pt")
y = torch.tensor(TAGS)
assert x["input_ids"].shape[0] == y.shape[0]
print("encoded:", tuple(x["input_ids"].shape))


def batches(enc, targets, bs, shuffle=True):
    order = list(range(targets.shape[0]))
    if shuffle:
        random.shuffle(order)
    for i in range(0, len(order), bs):
        idx = torch.tensor(order[i:i + bs])
        chunk = {k: v[idx] for k, v in enc.items()}
        chunk["labels"] = targets[idx]
        yield chunk


opt = torch.optim.AdamW(model.parameters(), lr=cfg.lr)
model.train()
for epoch in range(cfg.epochs):
    running = 0.0
    for step, batch in enumerate(batches(x, y, cfg.batch_size)):
        out = model(**batch)
        out.loss.backward()
        opt.step()
        opt.zero_grad()
        running += out.loss.item()
    print(f"epoch {epoch}: loss {running / (step + 1):.4f}")

model.eval()
with torch.no_grad():
    preds = model(**x).logits.argmax(-1)
acc = (preds == y).float().mean().item()
print("train acc:", round(acc, 3))
print("done")
