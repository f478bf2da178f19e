"""Tiny byte-level GPT-2 for completing Python snippets."""
import os
import random
import tempfile

import torch
from transformers import GPT2Config, GPT2LMHeadModel

torch.manual_seed(0)
random.seed(0)

SNIPPETS = [
    "def add(a, b):\n    return a + b\n",
    "def is_even(n):\n    return n % 2 == 0\n",
    "for i in range(10):\n    print(i)\n",
    "class Stack:\n    def __init__(self):\n        self.items = []\n",
    "    def push(self, x):\n        self.items.append(x)\n",
    "import os\npath = os.path.join('data', 'train.csv')\n",
    "with open(path) as fh:\n    rows = [line.split(',') for line in fh]\n",
    "def mean(xs):\n    # empty list → ZeroDivisionError\n    return sum(xs) / len(xs)\n",
    "squares = {k: k * k for k in range(8)}\n",
    "try:\n    value = int(text)\nexcept ValueError:\n    value = 0\n",
    "def greet(name):\n    return f\"Hello, {name}! Let’s go.\"\n",
    "while queue:\n    node = queue.pop(0)\n    seen.add(node)\n",
    "lambda row: row['price'] * row['qty']\n",
    "assert len(batch) == batch_size, 'short batch'\n",
] * 4

BLOCK = 48
EOS = 0  # NUL byte separates snippets


def encode_snippet(src):
    return list(src.encode("utf-8")) + [EOS]


def stream_batches(snippets, block, batch_size):
    """Yield (inputs, targets) windows from one long shuffled byte stream."""
    order = snippets[:]
    random.shuffle(order)
    stream = [b for s in order for b in encode_snippet(s)]
    windows = []
    for start in range(0, len(stream) - block - 1, block):
        windows.append(stream[start:start + block + 1])
        if len(windows) == batch_size:
            t = torch.tensor(windows)
            yield t[:, :-1], t[:, 1:]
            windows = []


cfg = GPT2Config(vocab_size=256, n_positions=64, n_embd=32, n_layer=2, n_head=2,
                 bos_token_id=EOS, eos_token_id=EOS)
lm = GPT2LMHeadModel(cfg)
optim = torch.optim.AdamW(lm.parameters(), lr=1e-3)

lm.train()
for epoch in range(2):
    losses = []
    for inp, tgt in stream_batches(SNIPPETS, BLOCK, batch_size=8):
        logits = lm(input_ids=inp).logits
        loss = torch.nn.functional.cross_entropy(logits.reshape(-1, cfg.vocab_size), tgt.reshape(-1))
        optim.zero_grad()
        loss.backward()
        optim.step()
        losses.append(loss.item())
    print(f"epoch {epoch}: {sum(losses) / len(losses):.3f} over {len(losses)} batches")

lm.eval()
prompt = torch.tensor([encode_snippet("def add(")[:-1]])
with torch.no_grad():
    out = lm.generate(prompt, max_new_tokens=12, do_sample=False, pad_token_id=EOS)
print(repr(bytes(out[0].tolist()).decode("utf-8", errors="replace")))
lm.save_pretrained(os.path.join(tempfile.mkdtemp(), "byte-gpt2"))
