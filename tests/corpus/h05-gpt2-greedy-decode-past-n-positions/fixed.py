"""Greedy decoding by hand with a tiny character-level GPT-2 (no .generate(), to print each step)."""
import json
import os
import tempfile

import torch
from transformers import GPT2Config, GPT2LMHeadModel, GPT2Tokenizer

torch.manual_seed(0)

CHARS = sorted(set("abcdefghijklmnopqrstuvwxyz.,!?'"))
workdir = tempfile.mkdtemp()
with open(os.path.join(workdir, "vocab.json"), "w") as f:
    json.dump({tok: i for i, tok in enumerate(["<|endoftext|>", "Ġ"] + CHARS)}, f)
with open(os.path.join(workdir, "merges.txt"), "w") as f:
    f.write("#version: 0.2\n")
tokenizer = GPT2Tokenizer(os.path.join(workdir, "vocab.json"), os.path.join(workdir, "merges.txt"))

config = GPT2Config(vocab_size=len(tokenizer), n_positions=32, n_embd=32, n_layer=2, n_head=2)
model = GPT2LMHeadModel(config).eval()

MAX_NEW_TOKENS = 24
prompt = "once upon a time there"
ids = tokenizer(prompt, return_tensors="pt").input_ids
print("prompt tokens:", ids.shape[1])

with torch.no_grad():
    for step in range(MAX_NEW_TOKENS):
        logits = model(ids[:, -config.n_positions:]).logits
        next_id = logits[:, -1].argmax(-1, keepdim=True)
        ids = torch.cat([ids, next_id], dim=1)

print(tokenizer.decode(ids[0]))
