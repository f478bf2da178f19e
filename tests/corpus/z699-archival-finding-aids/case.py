#!/usr/bin/env python
# coding: utf-8

# # Finding-aid matcher: bi-encoder for accession notes vs catalogue entries
# Tiny BERT trained from scratch, just to get the pipeline wired before we swap in the real checkpoint.

# In[1]:


import os
import random
import tempfile

import numpy as np
import torch
from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel, BertTokenizer
from sentence_transformers import SentenceTransformer, InputExample, losses, models

random.seed(11)
np.random.seed(11)
torch.manual_seed(11)


# In[2]:


WORDS = ("box folder letters correspondence ledger minutes deed map survey photograph glass negative "
         "parish estate council railway mill diary sketch receipt invoice account family papers "
         "bound volume loose damp foxing mould torn restricted transferred deposited purchased "
         "gift donor solicitor county borough harbour vestry school").split()

workdir = tempfile.mkdtemp(prefix="findaid_")
vocab_path = os.path.join(workdir, "vocab.txt")
with open(vocab_path, "w") as fh:
    fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + WORDS) + "\n")

tok = BertTokenizer(vocab_path)
len(tok)


# In[3]:


MAX_POS = 64
BATCH = 16

cfg = BertConfig(vocab_size=len(tok), hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                 intermediate_size=64, max_position_embeddings=MAX_POS)
BertModel(cfg).save_pretrained(workdir)
tok.save_pretrained(workdir)
print(sorted(os.listdir(workdir)))


# In[4]:


# accession notes are long and rambling, catalogue entries are short
def make_accession(n_words):
    return " ".join(random.choice(WORDS) for _ in range(n_words))

def make_catalogue(note):
    picked = [w for w in note.split() if w in ("letters", "ledger", "deed", "map", "diary", "photograph")]
    return " ".join(picked[:6]) or "family papers"

accessions = [make_accession(random.randint(20, 110)) for _ in range(24)]
catalogue = [make_catalogue(a) for a in accessions]
print(accessions[0][:120], "...")
print(catalogue[0])


# In[5]:


enc = tok(accessions, padding="max_length", truncation=True, max_length=MAX_POS, return_tensors="pt")
print(enc["input_ids"].shape)
enc["attention_mask"].sum(dim=1)[:8]


# In[6]:


# re-tokenize without truncation to see the true lengths
enc = tok(accessions, padding=False, truncation=False)
lens = [len(ids) for ids in enc["input_ids"]]
print("min/mean/max tokens:", min(lens), round(float(np.mean(lens)), 1), max(lens))


# In[7]:


# the real accession notes run long; keep as much as possible
SEQ_LEN = 256

word_emb = models.Transformer(workdir, max_seq_length=SEQ_LEN)
pool = models.Pooling(word_emb.get_word_embedding_dimension(), pooling_mode="mean")
st_model = SentenceTransformer(modules=[word_emb, pool], device="cpu")
st_model


# In[8]:


def build_pairs(notes, entries, n_neg=1):
    out = []
    for i, (a, c) in enumerate(zip(notes, entries)):
        out.append(InputExample(texts=[a, c], label=1.0))
        for _ in range(n_neg):
            j = random.choice([k for k in range(len(entries)) if k != i])
            out.append(InputExample(texts=[a, entries[j]], label=0.0))
    return out

train_examples = build_pairs(accessions, catalogue)
print(len(train_examples), "pairs")


# In[9]:


BATCH = 8
loader = DataLoader(train_examples, shuffle=True, batch_size=BATCH)
objective = losses.CosineSimilarityLoss(st_model)


# In[10]:


st_model.old_fit(train_objectives=[(loader, objective)], epochs=1, warmup_steps=2, show_progress_bar=False)


# In[11]:


def cosine_rank(model, query, pool_texts):
    q = model.encode([query], convert_to_tensor=True)
    p = model.encode(pool_texts, convert_to_tensor=True)
    sims = torch.nn.functional.cosine_similarity(q, p)
    return sims.argsort(descending=True).tolist()


# In[12]:


order = cosine_rank(st_model, accessions[3], catalogue)
print("top-3 for accession 3:", order[:3], "(gold 3)")
