#!/usr/bin/env python
# coding: utf-8

# # Herbarium sheet labels: field tagging
# Transcribed specimen labels -> collector / locality / date / taxon spans, per token.

# In[1]:


import os
import tempfile
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn
from torch.utils.data import DataLoader
import lightning as L
from transformers import BertConfig, BertModel, BertTokenizer

L.seed_everything(21, verbose=False)


# In[2]:


TAGS = ["O", "COLL", "LOC", "DATE", "TAXON"]
tag2id = {t: i for i, t in enumerate(TAGS)}

@dataclass
class Sheet:
    words: list
    tags: list

raw = [
    ("carex flacca coll. j. hooker wet meadow near kew 12 june 1851",
     "TAXON TAXON O COLL COLL LOC LOC LOC LOC DATE DATE DATE"),
    ("quercus robur oak wood above the river coll. m. smith 3 may 1902",
     "TAXON TAXON LOC LOC LOC LOC LOC O COLL COLL DATE DATE DATE"),
    ("sphagnum moss bog margin coll. a. brown 1877",
     "TAXON TAXON LOC LOC O COLL COLL DATE"),
    ("orchis mascula chalk down coll. e. gray 20 april 1866",
     "TAXON TAXON LOC LOC O COLL COLL DATE DATE DATE"),
]
sheets = [Sheet(t.split(), g.split()) for t, g in raw] * 4
sheets[1]


# In[3]:


vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
for s in sheets:
    vocab += [w for w in s.words if w not in vocab]
vdir = tempfile.mkdtemp()
with open(os.path.join(vdir, "vocab.txt"), "w") as fh:
    fh.write("\n".join(vocab) + "\n")
tokenizer = BertTokenizer(os.path.join(vdir, "vocab.txt"))
print("vocab size", len(tokenizer))


# In[4]:


MAX_LEN = 16
peek = tokenizer([" ".join(s.words) for s in sheets[:2]], padding="max_length", truncation=True,
                 max_length=MAX_LEN)
print([len(x) for x in peek["input_ids"]], [sum(m) for m in peek["attention_mask"]])


# In[5]:


# every word is a single wordpiece here, so tags line up 1:1 after [CLS]
def encode_sheet(sheet, max_len):
    ids = tokenizer.convert_tokens_to_ids(sheet.words)[: max_len - 2]
    tg = [tag2id[t] for t in sheet.tags][: max_len - 2]
    ids = [tokenizer.cls_token_id] + ids + [tokenizer.sep_token_id]
    tg = [-100] + tg + [-100]
    pad = max_len - len(ids)
    return {
        "ids": torch.tensor(ids + [tokenizer.pad_token_id] * pad),
        "attn": torch.tensor([1] * len(ids) + [0] * pad),
        "tag_ids": torch.tensor(tg + [-100] * pad),
    }


# In[6]:


# re-encode with room for the longer labels from the second cabinet
MAX_LEN = 24
encoded = [encode_sheet(s, MAX_LEN) for s in sheets]
encoded[0]["ids"].shape, encoded[0]["tag_ids"][:6]


# In[7]:


class LabelTagger(L.LightningModule):
    def __init__(self, vocab_size, n_tags, lr=1e-3):
        super().__init__()
        self.save_hyperparameters()
        cfg = BertConfig(vocab_size=vocab_size, hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                         intermediate_size=64, max_position_embeddings=64)
        self.encoder = BertModel(cfg, add_pooling_layer=False)
        self.drop = nn.Dropout(0.1)
        self.head = nn.Linear(cfg.hidden_size, n_tags)

    def forward(self, ids, attn):
        h = self.encoder(input_ids=ids, attention_mask=attn).last_hidden_state
        return self.head(self.drop(h))

    def training_step(self, batch, batch_idx):
        scores = self(batch["ids"], batch["attn"])
        loss = F.cross_entropy(scores.transpose(1, 2), batch["tag_ids"], ignore_index=-100)
        self.log("train_loss", loss)
        return loss

    def configure_optimizers(self):
        return torch.optim.AdamW(self.parameters(), lr=self.hparams.lr)


# In[8]:


tagger = LabelTagger(len(tokenizer), len(TAGS))
loader = DataLoader(encoded, batch_size=4, shuffle=True)
trainer = L.Trainer(max_epochs=1, accelerator="cpu", enable_progress_bar=False, logger=False,
                    enable_checkpointing=False)
trainer.fit(tagger, loader)


# In[9]:


def decode_tags(model, sheet):
    enc = encode_sheet(sheet, MAX_LEN)
    with torch.no_grad():
        pred = model(enc["ids"][None], enc["attn"][None]).argmax(-1)[0]
    return list(zip(sheet.words, [TAGS[i] for i in pred[1 : len(sheet.words) + 1].tolist()]))


# In[10]:


for word, tag in decode_tags(tagger.eval(), sheets[2]):
    print(f"{word:>10s}  {tag}")
