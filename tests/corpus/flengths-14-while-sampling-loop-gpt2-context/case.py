"""Sampling from a small GPT-2 trained elsewhere: a while loop appends one token per step until the stop length."""
import torch
from transformers import GPT2Config, GPT2LMHeadModel

torch.manual_seed(0)


def sample(lm, seq, stop_at, temperature=0.8):
    with torch.no_grad():
        while seq.shape[-1] < stop_at:
            out = lm(input_ids=seq)
            probs = (out.logits[:, -1] / temperature).softmax(-1)
            nxt = torch.multinomial(probs, 1)
            seq = torch.cat((seq, nxt), -1)
    return seq


lm = GPT2LMHeadModel(GPT2Config(vocab_size=50, n_positions=16, n_embd=16, n_layer=1, n_head=2)).eval()
start = torch.randint(0, 50, (2, 6))
print(sample(lm, start, stop_at=24).shape)
