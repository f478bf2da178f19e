#!/usr/bin/env python
# coding: utf-8

# # Signalling fault log triage (accelerate loop)
# Route fault reports to S&T / track / rolling stock desks.

# In[1]:


import os
import random
import tempfile
from functools import partial

import torch
from torch.utils.data import DataLoader
from accelerate import Accelerator
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

random.seed(3)
torch.manual_seed(3)
accelerator = Accelerator(cpu=True)
print(accelerator.device, accelerator.num_processes)


# In[2]:


DESKS = ["signalling", "track", "rolling_stock"]
reports = [
    ("signal showing red , no route set , points failed to detect", 0),
    ("track circuit showing occupied , no train in section", 0),
    ("rail head damage near the crossing , speed restriction", 1),
    ("broken fishplate on the down line , lookout posted", 1),
    ("unit failed to take power , brakes dragging", 2),
    ("door fault on the rear unit , isolated", 2),
    ("spad at the junction signal , driver reported", 0),
    ("tpws intervention on approach , train stopped short", 0),
    ("aws horn not sounding , magnet suspected", 0),
    ("buckled rail in hot weather , line blocked", 1),
] * 4
len(reports)


# In[3]:


# general-purpose word list from the old maintenance-log project
GENERAL_WORDS = """signal showing red no route set points failed to detect track circuit occupied train in
section rail head damage near the crossing speed restriction broken fishplate on down up line lookout
posted unit take power brakes dragging door fault rear isolated at junction driver reported intervention
approach stopped short horn not sounding magnet suspected buckled hot weather blocked , ."""
base_vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + sorted(set(GENERAL_WORDS.split()))

vdir = tempfile.mkdtemp()
vpath = os.path.join(vdir, "vocab.txt")
with open(vpath, "w") as fh:
    fh.write("\n".join(base_vocab))
tok = BertTokenizer(vpath)
print(len(tok), "wordpieces")


# In[4]:


MAX_LEN = 12
cfg = BertConfig(vocab_size=len(tok), hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                 intermediate_size=64, max_position_embeddings=32, num_labels=len(DESKS))
model = BertForSequenceClassification(cfg)
model.config.vocab_size


# In[5]:


first = tok([r[0] for r in reports[:3]], padding=True, truncation=True, max_length=MAX_LEN)
for ids in first["input_ids"]:
    print(tok.convert_ids_to_tokens(ids))


# In[6]:


# the rulebook abbreviations should be single tokens, not split or UNK'd
SIGNAL_TERMS = ["spad", "tpws", "aws", "ertms", "gsm-r", "tcb", "ahb"]
n_new = tok.add_tokens(SIGNAL_TERMS)
print("added", n_new, "->", len(tok))


# In[7]:


# re-tokenize with the new terms and a longer window
MAX_LEN = 20
second = tok([r[0] for r in reports[6:9]], padding=True, truncation=True, max_length=MAX_LEN)
for ids in second["input_ids"]:
    print(ids)


# In[8]:


def collate_reports(rows, tokenizer, max_len):
    texts, desk = zip(*rows)
    out = tokenizer(list(texts), padding=True, truncation=True, max_length=max_len, return_tensors="pt")
    out["labels"] = torch.tensor(desk)
    return dict(out)

BATCH_SIZE = 8
train_dl = DataLoader(reports, batch_size=BATCH_SIZE, shuffle=True,
                      collate_fn=partial(collate_reports, tokenizer=tok, max_len=MAX_LEN))
optim = torch.optim.AdamW(model.parameters(), lr=3e-4)
model, optim, train_dl = accelerator.prepare(model, optim, train_dl)


# In[9]:


model.train()
running = []
for step, batch in enumerate(train_dl):
    out = model(**batch)
    accelerator.backward(out.loss)
    optim.step()
    optim.zero_grad()
    running.append(out.loss.item())
    if step % 2 == 0:
        accelerator.print(f"step {step:02d}  loss {sum(running) / len(running):.4f}")


# In[10]:


@torch.no_grad()
def route(text):
    model.eval()
    enc = tok([text], return_tensors="pt", truncation=True, max_length=MAX_LEN)
    return DESKS[model(**enc).logits.argmax(-1).item()]


# In[11]:


print(route("spad at the junction signal , driver reported"))
print(route("broken fishplate on the down line"))
