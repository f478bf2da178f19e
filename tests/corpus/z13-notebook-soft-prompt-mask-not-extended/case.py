# Exported from prompt_tuning.ipynb
# %% [markdown]
# Soft-prompt tuning: a few learned vectors are put in front of the word embeddings of a frozen BERT.

# %%
import os
import tempfile

import torch
import torch.nn as nn
from transformers import BertConfig, BertModel, BertTokenizer

torch.manual_seed(0)
words = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "the", "service", "was", "slow", "food", "great",
         "friendly", "staff", "cold", "soup", "loved", "it"]
d = tempfile.mkdtemp()
open(os.path.join(d, "vocab.txt"), "w").write("\n".join(words) + "\n")
tok = BertTokenizer(os.path.join(d, "vocab.txt"))

# %%
cfg = BertConfig(vocab_size=len(tok), hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                 intermediate_size=37, max_position_embeddings=32)
bert = BertModel(cfg)
for p in bert.parameters():
    p.requires_grad_(False)
n_prompt = 4
prompt = nn.Parameter(torch.randn(n_prompt, cfg.hidden_size) * 0.02)
head = nn.Linear(cfg.hidden_size, 2)
opt = torch.optim.Adam([prompt, *head.parameters()], lr=1e-3)

# %%
texts = ["the service was slow", "great food and friendly staff", "cold soup", "loved it"]
y = torch.tensor([0, 1, 0, 1])
enc = tok(texts, padding=True, return_tensors="pt")
emb = bert.embeddings.word_embeddings(enc["input_ids"])
inputs_embeds = torch.cat([prompt.unsqueeze(0).expand(emb.size(0), -1, -1), emb], dim=1)
out = bert(inputs_embeds=inputs_embeds, attention_mask=enc["attention_mask"])

# %%
logits = head(out.last_hidden_state[:, n_prompt])
loss = nn.functional.cross_entropy(logits, y)
loss.backward()
opt.step()
print(loss.item())
