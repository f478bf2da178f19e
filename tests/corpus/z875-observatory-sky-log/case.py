"""Classify night-log remarks by sky transparency class.

The observatory's night log uses the transparency scale
  1 = photometric, 2 = clear, 3 = thin cirrus, 4 = thick cloud / closed
and observers add a free-text remark plus the DIMM seeing in arcsec.
We train a tiny BERT on the remarks to pre-fill the class for the archive.
"""
import os
import tempfile

import numpy as np
import torch
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

SEED = 5
rng = np.random.default_rng(SEED)
torch.manual_seed(SEED)

SKY_CLASS = {1: "photometric", 2: "clear", 3: "cirrus", 4: "cloudy"}

# (remark, transparency code, dimm seeing in arcsec)
NIGHT_LOG = [
    ("stable all night no clouds extinction flat standards agree", 1, 0.71),
    ("photometric conditions standards within two percent", 1, 0.65),
    ("clear sky but extinction drifting near dawn", 2, 0.92),
    ("clear with occasional haze near horizon", 2, 1.10),
    ("thin cirrus passing over target field guider ok", 3, 1.25),
    ("patchy cirrus moon halo visible flux varies", 3, 1.40),
    ("thick cloud dome closed after midnight", 4, 2.10),
    ("overcast humidity high dome closed", 4, 1.95),
    ("no clouds seeing good photometric standards ok", 1, 0.80),
    ("mostly clear haze low in the west", 2, 1.05),
    ("cirrus bands moving in guider lost star twice", 3, 1.60),
    ("cloud cover total closed all night", 4, 2.40),
]

words = sorted({w for remark, _, _ in NIGHT_LOG for w in remark.split()})
vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words
tok_dir = tempfile.mkdtemp()
vocab_path = os.path.join(tok_dir, "vocab.txt")
with open(vocab_path, "w") as fh:
    fh.write("\n".join(vocab) + "\n")
tokenizer = BertTokenizer(vocab_path)

remarks = [r for r, _, _ in NIGHT_LOG]
sky_code = np.array([c for _, c, _ in NIGHT_LOG], dtype=np.int64)
seeing_arcsec = np.array([s for _, _, s in NIGHT_LOG])
assert set(sky_code.tolist()) <= set(SKY_CLASS)

for code, name in SKY_CLASS.items():
    sel = sky_code == code
    print(f"{name:12s} n={sel.sum():2d}  median seeing {np.median(seeing_arcsec[sel]):.2f} arcsec")

enc = tokenizer(remarks, padding=True, return_tensors="np")
n_night, len_seq = enc["input_ids"].shape
assert enc["attention_mask"].sum(axis=1).min() > 2
print(f"{n_night} log entries, padded to {len_seq} tokens, vocab {len(vocab)}")

cfg = BertConfig(vocab_size=len(vocab), hidden_size=32, num_hidden_layers=1,
                 num_attention_heads=2, intermediate_size=64, max_position_embeddings=64,
                 num_labels=len(SKY_CLASS),
                 id2label={i: n for i, n in enumerate(SKY_CLASS.values())},
                 label2id={n: i for i, n in enumerate(SKY_CLASS.values())})
model = BertForSequenceClassification(cfg)
opt = torch.optim.AdamW(model.parameters(), lr=3e-3)


def make_batches(idx_all, n_per_batch):
    for i0 in range(0, len(idx_all), n_per_batch):
        idx = idx_all[i0:i0 + n_per_batch]
        yield {
            "input_ids": torch.from_numpy(enc["input_ids"][idx]),
            "attention_mask": torch.from_numpy(enc["attention_mask"][idx]),
            "token_type_ids": torch.from_numpy(enc["token_type_ids"][idx]),
            "labels": torch.from_numpy(sky_code[idx]),
        }


for epoch in range(8):
    model.train()
    loss_sum, n_seen = 0.0, 0
    for batch in make_batches(rng.permutation(n_night), 4):
        out = model(**batch)
        opt.zero_grad()
        out.loss.backward()
        opt.step()
        loss_sum += out.loss.item() * len(batch["labels"])
        n_seen += len(batch["labels"])
    assert n_seen == n_night
    print(f"epoch {epoch}  loss {loss_sum / n_seen:.4f}")

model.eval()
with torch.no_grad():
    logits = model(**{k: torch.from_numpy(v) for k, v in enc.items()}).logits.numpy()
pred_name = [cfg.id2label[int(i)] for i in logits.argmax(axis=1)]
for remark, name in zip(remarks[:4], pred_name[:4]):
    print(f"  {name:12s} <- {remark}")
