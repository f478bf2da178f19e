"""IPO fine-tuning of a toy GPT-2 on bedtime-story continuations.

Parents picked which of two continuations of a story opening they would rather
read aloud. We train the policy with the IPO objective against a frozen copy
of itself, scoring only the continuation tokens.
"""
import copy
import re

import torch
from transformers import GPT2Config, GPT2LMHeadModel

torch.manual_seed(0)

STORIES = [
    ("once upon a time a small fox could not fall asleep .",
     "so the moon sang him a soft song and he curled up in the warm grass .",
     "then a loud storm came and the fox ran and ran all night ."),
    ("the little boat rocked gently in the harbour .",
     "the waves whispered goodnight and the stars kept watch over it .",
     "suddenly a giant wave crashed and the boat broke into pieces ."),
    ("grandma bear tucked the cubs into their cave .",
     "she told them about spring flowers until their eyes grew heavy .",
     "but the cubs kept fighting and nobody slept ."),
]


class WordTokenizer:
    def __init__(self, texts):
        words = sorted({w for t in texts for w in re.findall(r"\w+|[^\w\s]", t)})
        self.pad, self.bos, self.eos = 0, 1, 2
        self.table = {w: i + 3 for i, w in enumerate(words)}

    def __len__(self):
        return len(self.table) + 3

    def __call__(self, text):
        return [self.table[w] for w in re.findall(r"\w+|[^\w\s]", text)]


def pack(tok, openings, endings):
    seqs, marks = [], []
    for opening, ending in zip(openings, endings):
        head = [tok.bos] + tok(opening)
        tail = tok(ending) + [tok.eos]
        seqs.append(head + tail)
        marks.append([False] * len(head) + [True] * len(tail))
    span = max(map(len, seqs))
    tokens = torch.full((len(seqs), span), tok.pad)
    attn = torch.zeros(len(seqs), span, dtype=torch.long)
    is_ending = torch.zeros(len(seqs), span, dtype=torch.bool)
    for i, (s, m) in enumerate(zip(seqs, marks)):
        tokens[i, : len(s)] = torch.tensor(s)
        attn[i, : len(s)] = 1
        is_ending[i, : len(m)] = torch.tensor(m)
    return tokens, attn, is_ending


def continuation_logprob(lm, tokens, attn, is_ending):
    logits = lm(input_ids=tokens, attention_mask=attn).logits
    logprobs = torch.log_softmax(logits[:, :-1], dim=-1)
    # positions outside the continuation contribute nothing
    logprobs.masked_fill_(~is_ending[:, 1:, None], 0.0)
    picked = logprobs.gather(2, tokens[:, 1:, None]).squeeze(2)
    return picked.sum(dim=1)


def ipo_loss(pol_pref, pol_other, ref_pref, ref_other, tau=0.1):
    h = (pol_pref - ref_pref) - (pol_other - ref_other)
    return ((h - 1.0 / (2 * tau)) ** 2).mean(), h


def main():
    tok = WordTokenizer([t for row in STORIES for t in row])
    openings = [s[0] for s in STORIES]
    preferred = pack(tok, openings, [s[1] for s in STORIES])
    other = pack(tok, openings, [s[2] for s in STORIES])
    print("preferred", tuple(preferred[0].shape), "other", tuple(other[0].shape))

    cfg = GPT2Config(
        vocab_size=len(tok),
        n_positions=64,
        n_embd=32,
        n_layer=2,
        n_head=2,
        bos_token_id=tok.bos,
        eos_token_id=tok.eos,
        pad_token_id=tok.pad,
    )
    policy = GPT2LMHeadModel(cfg)
    frozen = copy.deepcopy(policy).eval()
    for p in frozen.parameters():
        p.requires_grad_(False)

    with torch.no_grad():
        ref_pref = continuation_logprob(frozen, *preferred)
        ref_other = continuation_logprob(frozen, *other)

    optimizer = torch.optim.SGD(policy.parameters(), lr=2e-3, momentum=0.9)
    for it in range(5):
        pol_pref = continuation_logprob(policy, *preferred)
        pol_other = continuation_logprob(policy, *other)
        loss, h = ipo_loss(pol_pref, pol_other, ref_pref, ref_other)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        print(f"iter {it} ipo {loss.item():.3f} mean-h {h.mean().item():+.3f}")

    with torch.no_grad():
        drift = continuation_logprob(policy, *preferred) - ref_pref
    print("log-prob drift on preferred endings:", [round(d, 2) for d in drift.tolist()])


if __name__ == "__main__":
    main()
