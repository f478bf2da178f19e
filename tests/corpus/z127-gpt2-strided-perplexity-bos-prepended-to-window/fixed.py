"""Strided (sliding-window) perplexity of a tiny character-level GPT-2 on a product manual."""
import json
import math
import os
import tempfile

import torch
from transformers import GPT2Config, GPT2LMHeadModel, GPT2Tokenizer

torch.manual_seed(0)
WORK = tempfile.mkdtemp()


def bytes_to_unicode():
    """GPT-2's reversible byte -> printable unicode table."""
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("\xa1"), ord("\xac") + 1)) + list(range(ord("\xae"), ord("\xff") + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return dict(zip(bs, map(chr, cs)))


vocab = {s: i for i, s in enumerate(bytes_to_unicode().values())}
vocab["<|endoftext|>"] = len(vocab)
with open(os.path.join(WORK, "vocab.json"), "w") as f:
    json.dump(vocab, f)
with open(os.path.join(WORK, "merges.txt"), "w") as f:
    f.write("#version: 0.2\n")
tokenizer = GPT2Tokenizer(os.path.join(WORK, "vocab.json"), os.path.join(WORK, "merges.txt"))

model = GPT2LMHeadModel(GPT2Config(vocab_size=len(tokenizer), n_embd=32, n_layer=2, n_head=2, n_inner=64,
                                   n_positions=64))
model.eval()

MANUAL = ("Unplug the kettle before cleaning. Fill with water up to the max line. "
          "Press the switch once; the light turns off when the water boils. "
          "Descale every month with vinegar and rinse twice before the next use.")


def window_nll(ids, begin, end, prev_end):
    """Loss over the new tokens of one window; every window starts with <|endoftext|> like training did."""
    window = torch.cat([torch.tensor([tokenizer.bos_token_id]), ids[begin:end]]).unsqueeze(0)
    target = window.clone()
    n_new = end - prev_end
    target[:, :-n_new] = -100
    with torch.no_grad():
        out = model(window, labels=target)
    return out.loss * n_new, n_new


def strided_perplexity(text, stride=32):
    ids = torch.tensor(tokenizer.encode(text))
    max_length = model.config.n_positions - 1  # room for the <|endoftext|> that window_nll prepends
    nll, count, prev_end = 0.0, 0, 0
    for begin in range(0, len(ids), stride):
        end = min(begin + max_length, len(ids))
        loss, n = window_nll(ids, begin, end, prev_end)
        nll, count, prev_end = nll + loss.item(), count + n, end
        if end == len(ids):
            break
    return math.exp(nll / count)


print(f"{len(tokenizer.encode(MANUAL))} tokens, perplexity {strided_perplexity(MANUAL):.2f}")
