"""Fine-tunes a tiny GPT-2 on question/reply pairs; only the reply tokens are trained on."""
import json
import os
import tempfile

os.environ.setdefault("HF_HUB_OFFLINE", "1")
import torch
from torch.nn.utils.rnn import pad_sequence
from transformers import GPT2Config, GPT2LMHeadModel, GPT2TokenizerFast

PAIRS = [("how do i reset it", "hold the button"), ("is it waterproof", "yes to ten metres"),
         ("does it ship abroad", "only within the country")]

folder = tempfile.mkdtemp()
chars = sorted({c for q, r in PAIRS for c in q + " " + r})
vocab = {"<|endoftext|>": 0, **{("Ġ" if c == " " else c): i + 1 for i, c in enumerate(chars)}}
with open(os.path.join(folder, "vocab.json"), "w") as fh:
    json.dump(vocab, fh)
with open(os.path.join(folder, "merges.txt"), "w") as fh:
    fh.write("#version: 0.2\n")
tok = GPT2TokenizerFast(os.path.join(folder, "vocab.json"), os.path.join(folder, "merges.txt"))
model = GPT2LMHeadModel(GPT2Config(vocab_size=len(vocab), n_positions=64, n_embd=32, n_layer=1, n_head=2))


def encode(question, reply):
    question_ids = tok(question + " ")["input_ids"]
    reply_ids = tok(reply)["input_ids"]
    input_ids = [tok.bos_token_id] + question_ids + reply_ids
    labels = [-100] * len(question_ids) + reply_ids
    return torch.tensor(input_ids), torch.tensor(labels)


pairs = [encode(q, r) for q, r in PAIRS]
ids = pad_sequence([p[0] for p in pairs], batch_first=True, padding_value=0)
labels = pad_sequence([p[1] for p in pairs], batch_first=True, padding_value=-100)
opt = torch.optim.AdamW(model.parameters(), lr=1e-3)
for step in range(3):
    loss = model(input_ids=ids, labels=labels).loss
    loss.backward()
    opt.step()
    opt.zero_grad()
    print(step, round(loss.item(), 3))
