# Customs declarations: does the declared HS heading fit the goods description?
# Binary classifier on (goods, heading[, origin]) segments, trained with Accelerate.
import os
import random
import tempfile

import torch
import torch.nn as nn
from accelerate import Accelerator
from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel, BertTokenizer

random.seed(3)
torch.manual_seed(3)

ROWS = [
    # goods, declared heading, origin remark, heading plausible?
    ("frozen boneless bovine cuts vacuum packed", "meat of bovine animals frozen", "slaughtered and cut in uruguay", 1),
    ("cotton knitted t shirts printed", "t shirts singlets knitted or crocheted", "knitted in bangladesh from imported yarn", 1),
    ("lithium ion battery packs for e bikes", "electric accumulators", "cells from korea assembled in poland", 1),
    ("roasted coffee beans not decaffeinated", "tea whether or not flavoured", "roasted in italy", 0),
    ("stainless steel kitchen sinks", "sinks and wash basins of stainless steel", "pressed in germany", 1),
    ("plastic toy building blocks", "electric accumulators", "moulded in denmark", 0),
    ("woven wool suit fabric", "t shirts singlets knitted or crocheted", "woven in scotland", 0),
    ("fresh chilled salmon fillets", "meat of bovine animals frozen", "farmed in norway", 0),
]

vocab_words = sorted({w for r in ROWS for part in r[:3] for w in part.split()})
tmp = tempfile.mkdtemp()
with open(os.path.join(tmp, "vocab.txt"), "w") as f:
    for w in ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + vocab_words:
        f.write(w + "\n")
tok = BertTokenizer(os.path.join(tmp, "vocab.txt"))

FIELDS = ["goods", "heading", "origin"]

cfg = BertConfig(vocab_size=len(tok), hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                 intermediate_size=64, max_position_embeddings=96, type_vocab_size=len(FIELDS))
model = BertModel(cfg)

# first try: plain pair encoding straight from the tokenizer
x = [(r[0], r[1]) for r in ROWS[:2]]
x = tok([a for a, _ in x], [b for _, b in x], padding=True, return_tensors="pt")
print("pair encoding ok:", tuple(x["input_ids"].shape), "max type id", x["token_type_ids"].max().item())
with torch.no_grad():
    print("hidden", tuple(model(**x).last_hidden_state.shape))


def encode_segments(row, max_len=48):
    ids, seg = [tok.cls_token_id], [0]
    for k, name in enumerate(FIELDS):
        piece = tok.convert_tokens_to_ids(tok.tokenize(row[k])) + [tok.sep_token_id]
        ids += piece
        seg += [k] * len(piece)
    ids, seg = ids[:max_len], seg[:max_len]
    pad = max_len - len(ids)
    return {"ids": ids + [tok.pad_token_id] * pad,
            "seg": seg + [0] * pad,
            "att": [1] * len(ids) + [0] * pad}


def collate(rows):
    enc = [encode_segments(r) for r in rows]
    out = {k: torch.tensor([e[k] for e in enc]) for k in ("ids", "seg", "att")}
    out["y"] = torch.tensor([r[3] for r in rows], dtype=torch.float)
    return out


class HeadingChecker(nn.Module):
    def __init__(self, bert_cfg):
        super().__init__()
        self.bert = BertModel(bert_cfg)
        self.score = nn.Linear(bert_cfg.hidden_size, 1)

    def forward(self, ids, seg, att):
        h = self.bert(input_ids=ids, token_type_ids=seg, attention_mask=att).last_hidden_state
        return self.score(h[:, 0]).squeeze(-1)


# start over with the classifier head on top
model = HeadingChecker(cfg)
try:
    opt = torch.optim.AdamW(model.parameters(), lr=3e-4, fused=True)
except (RuntimeError, TypeError) as err:
    print("fused AdamW not available here:", err)
    opt = torch.optim.AdamW(model.parameters(), lr=3e-4)

accelerator = Accelerator(cpu=True)
loader = DataLoader(ROWS, batch_size=4, shuffle=True, collate_fn=collate)
model, opt, loader = accelerator.prepare(model, opt, loader)
loss_fn = nn.BCEWithLogitsLoss()

b = next(iter(loader))
assert b["ids"].shape == b["seg"].shape == b["att"].shape
print("batch", {k: tuple(v.shape) for k, v in b.items()})

for epoch in range(3):
    model.train()
    running = 0.0
    for b in loader:
        logit = model(b["ids"], b["seg"], b["att"])
        loss = loss_fn(logit, b["y"])
        accelerator.backward(loss)
        opt.step()
        opt.zero_grad()
        running += loss.item()
    accelerator.print(f"epoch {epoch} loss {running / len(loader):.4f}")

accelerator.print("done")
