"""Rank candidate replies by GPT-2 log-likelihood, scored in one padded batch."""
import json
import os
import tempfile

import torch
import torch.nn.functional as F
from transformers import GPT2Config, GPT2LMHeadModel, GPT2Tokenizer

torch.manual_seed(0)
tmp = tempfile.mkdtemp()
alphabet = ["<|endoftext|>", "Ġ"] + list("abcdefghijklmnopqrstuvwxyz?!.")
json.dump({c: i for i, c in enumerate(alphabet)}, open(f"{tmp}/vocab.json", "w"))
open(f"{tmp}/merges.txt", "w").write("#version: 0.2\n")
tokenizer = GPT2Tokenizer(f"{tmp}/vocab.json", f"{tmp}/merges.txt")
model = GPT2LMHeadModel(GPT2Config(vocab_size=tokenizer.vocab_size, n_positions=64, n_embd=32, n_layer=2, n_head=2))
model.eval()

# GPT-2 has no padding token; add one so replies of different lengths can share a batch
tokenizer.add_special_tokens({"pad_token": "[PAD]"})

candidates = ["sure, see you then!", "no.", "what time works for you?"]
batch = tokenizer(candidates, padding=True, return_tensors="pt")
with torch.no_grad():
    logits = model(**batch).logits
logp = F.log_softmax(logits[:, :-1], -1).gather(-1, batch.input_ids[:, 1:, None]).squeeze(-1)
scores = (logp * batch.attention_mask[:, 1:]).sum(1) / batch.attention_mask[:, 1:].sum(1)
for s, c in sorted(zip(scores.tolist(), candidates), reverse=True):
    print(f"{s:7.3f}  {c}")
