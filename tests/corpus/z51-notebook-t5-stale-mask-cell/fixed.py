#!/usr/bin/env python
# coding: utf-8

# # Title generation for recipes with a tiny T5
#
# Exported from the course notebook (week 6: sequence-to-sequence). Trains a 1-layer T5 from scratch on a
# handful of recipe descriptions, then generates titles.

# In[1]:


import os, tempfile
import torch
from transformers import BertTokenizer, T5Config, T5ForConditionalGeneration
torch.manual_seed(42)


# In[2]:


recipes = [
    ("slow cooked beef with carrots onions and red wine for four hours", "beef stew"),
    ("fresh tomatoes basil and mozzarella on a thin crispy base", "margherita pizza"),
    ("eggs whisked with sugar and cream baked in small cups", "creme brulee"),
    ("rice fried with peas and egg", "egg fried rice"),
]
vocab = sorted({w for d, t in recipes for w in (d + " " + t).split()})
d = tempfile.mkdtemp()
with open(f"{d}/vocab.txt", "w") as f:
    f.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "title", ":"] + vocab) + "\n")
tok = BertTokenizer(f"{d}/vocab.txt")
len(tok)


# In[3]:


cfg = T5Config(vocab_size=len(tok), d_model=32, d_kv=8, d_ff=64, num_layers=1, num_heads=4,
               pad_token_id=tok.pad_token_id, decoder_start_token_id=tok.cls_token_id, eos_token_id=tok.sep_token_id)
model = T5ForConditionalGeneration(cfg)
opt = torch.optim.AdamW(model.parameters(), lr=3e-3)


# In[4]:


sources = ["title: " + r[0] for r in recipes]
src = tok(sources, padding=True, return_tensors="pt")
tgt = tok([r[1] for r in recipes], padding=True, return_tensors="pt")
labels = tgt.input_ids.masked_fill(tgt.input_ids == tok.pad_token_id, -100)
src.input_ids.shape, tgt.input_ids.shape


# In[5]:


# fixed-length sources: same shape every step (and the same as at inference time)
MAX_SRC = 20
src = tok(sources, padding="max_length", max_length=MAX_SRC, truncation=True, return_tensors="pt")
src_ids = src.input_ids
src_ids.shape


# In[6]:


model.train()
for step in range(5):
    out = model(input_ids=src_ids, attention_mask=src.attention_mask, labels=labels)
    out.loss.backward()
    opt.step(); opt.zero_grad()
    if step % 10 == 0:
        print(step, round(out.loss.item(), 3))


# In[7]:


model.eval()
gen = model.generate(src_ids, max_new_tokens=6)
tok.batch_decode(gen, skip_special_tokens=True)
