#!/usr/bin/env python
# coding: utf-8

# # Hive inspection notes -> colony status
# Association inspectors' free-text notes, first pass with a tiny BERT + HF Trainer.

# In[1]:


import os
import random
import tempfile

import numpy as np
import torch
from torch.utils.data import Dataset
from transformers import (BertConfig, BertForSequenceClassification, BertTokenizer,
                          Trainer, TrainingArguments)

SEED = 7
random.seed(SEED)
np.random.seed(SEED)
torch.manual_seed(SEED)


# In[2]:


HIVE_STATES = ["healthy", "varroa", "queenless", "swarm_prep"]
NUM_CLASSES = len(HIVE_STATES)
state2id = {s: i for i, s in enumerate(HIVE_STATES)}
state2id


# In[3]:


notes = [
    ("brood pattern solid , queen seen , calm on the comb", "healthy"),
    ("good stores , eggs present , bees calm", "healthy"),
    ("mites on drone brood , deformed wings seen", "varroa"),
    ("high mite drop on the board , crawling bees", "varroa"),
    ("no eggs , no queen seen , bees roaring", "queenless"),
    ("laying workers , drone brood in worker cells", "queenless"),
    ("queen cells along the bottom bars , crowded", "swarm_prep"),
    ("charged queen cells , bees hanging out front", "swarm_prep"),
] * 3
print(len(notes), "inspection notes")


# In[4]:


vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
for text, _ in notes:
    for w in text.split():
        if w not in vocab:
            vocab.append(w)

tmp = tempfile.mkdtemp()
with open(os.path.join(tmp, "vocab.txt"), "w") as f:
    f.write("\n".join(vocab))
tokenizer = BertTokenizer(os.path.join(tmp, "vocab.txt"))
print("vocab:", len(tokenizer))


# In[5]:


MAX_LEN = 16
enc = tokenizer([t for t, _ in notes], padding="max_length", truncation=True, max_length=MAX_LEN)
print(enc["input_ids"][0])


# In[6]:


config = BertConfig(vocab_size=len(tokenizer), hidden_size=32, num_hidden_layers=1,
                    num_attention_heads=2, intermediate_size=64, max_position_embeddings=64,
                    num_labels=NUM_CLASSES)
model = BertForSequenceClassification(config)
print(f"{sum(p.numel() for p in model.parameters()):,} params")


# In[7]:


# the autumn round added chalkbrood reports -- fold them in
HIVE_STATES = HIVE_STATES + ["chalkbrood"]
state2id = {s: i for i, s in enumerate(HIVE_STATES)}
notes += [
    ("mummified larvae at the entrance , white chalky brood", "chalkbrood"),
    ("chalk mummies on the floor , spotty brood", "chalkbrood"),
] * 3
print(len(notes), "inspection notes,", len(HIVE_STATES), "states")


# In[8]:


class InspectionSet(Dataset):
    def __init__(self, rows, tok, max_len):
        self.rows = rows
        self.enc = tok([t for t, _ in rows], padding="max_length", truncation=True, max_length=max_len)

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, i):
        item = {k: torch.tensor(v[i]) for k, v in self.enc.items()}
        item["labels"] = torch.tensor(state2id[self.rows[i][1]])
        return item


# In[9]:


# re-tokenize: the new chalkbrood notes are a bit longer
MAX_LEN = 20
train_ds = InspectionSet(notes, tokenizer, MAX_LEN)
train_ds[0]


# In[10]:


def accuracy(eval_pred):
    logits, gold = eval_pred
    return {"acc": float((logits.argmax(-1) == gold).mean())}


# In[11]:


args = TrainingArguments(output_dir=os.path.join(tmp, "out"), num_train_epochs=1,
                         per_device_train_batch_size=8, learning_rate=5e-4, logging_steps=2,
                         save_strategy="no", disable_tqdm=True, report_to=[], seed=SEED)
trainer = Trainer(model=model, args=args, train_dataset=train_ds, eval_dataset=train_ds,
                  compute_metrics=accuracy)
trainer.train()


# In[12]:


print(trainer.evaluate())
