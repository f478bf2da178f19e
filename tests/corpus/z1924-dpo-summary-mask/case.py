"""DPO fine-tuning of a tiny GPT-2 summarizer on news-summary preference pairs.

Each example is (article, preferred summary, dispreferred summary). The policy and a frozen
reference copy score both summaries; only the summary tokens contribute to the log-prob.
"""
import copy
import random

import torch
import torch.nn.functional as F
from transformers import GPT2Config, GPT2LMHeadModel

torch.manual_seed(0)
random.seed(0)

PAIRS = [
    {"article": "the city council approved a new budget for public parks on monday",
     "good": "council approves park budget",
     "bad": "the city did some things on monday with money"},
    {"article": "heavy rain caused flooding in the northern districts and closed two schools",
     "good": "rain floods north and closes two schools",
     "bad": "it rained"},
    {"article": "the local team won the regional final after a late goal in extra time",
     "good": "late goal wins regional final for local team",
     "bad": "a team played a game and there was a goal at some point in the match"},
    {"article": "researchers opened a new laboratory to study river pollution near the port",
     "good": "new lab to study river pollution",
     "bad": "researchers opened something new near the port for studying"},
]

SPECIALS = ["<pad>", "<bos>", "<sep>", "<eos>"]
words = sorted({w for ex in PAIRS for k in ("article", "good", "bad") for w in ex[k].split()})
vocab = {tok: i for i, tok in enumerate(SPECIALS + words)}
PAD, BOS, SEP, EOS = (vocab[t] for t in SPECIALS)


def encode_example(article, summary):
    """Returns token ids and a 0/1 mask that marks the summary tokens."""
    head = [BOS] + [vocab[w] for w in article.split()] + [SEP]
    tail = [vocab[w] for w in summary.split()] + [EOS]
    return head + tail, [0] * len(head) + [1] * len(tail)


def collate(examples, key):
    encoded = [encode_example(ex["article"], ex[key]) for ex in examples]
    width = max(len(ids) for ids, _ in encoded)
    token_rows, attn_rows, summary_rows = [], [], []
    for ids, smask in encoded:
        gap = width - len(ids)
        token_rows.append(ids + [PAD] * gap)
        attn_rows.append([1] * len(ids) + [0] * gap)
        summary_rows.append(smask + [0] * gap)
    return (torch.tensor(token_rows),
            torch.tensor(attn_rows),
            torch.tensor(summary_rows, dtype=torch.float))


def summary_logprob(lm, tokens, attn, summary_mask):
    """Sum of log p(token_t | tokens_<t) over the summary part of each row."""
    logits = lm(input_ids=tokens, attention_mask=attn).logits
    next_logp = F.log_softmax(logits[:, :-1], dim=-1)
    picked = next_logp.gather(-1, tokens[:, 1:].unsqueeze(-1)).squeeze(-1)
    return (picked * summary_mask).sum(dim=-1)


def dpo_loss(pol_good, pol_bad, ref_good, ref_bad, beta=0.1):
    margin = (pol_good - ref_good) - (pol_bad - ref_bad)
    return -F.logsigmoid(beta * margin).mean(), margin.detach()


def main():
    cfg = GPT2Config(vocab_size=len(vocab), n_positions=64, n_embd=32, n_layer=2, n_head=2,
                     bos_token_id=BOS, eos_token_id=EOS, pad_token_id=PAD)
    policy = GPT2LMHeadModel(cfg)
    reference = copy.deepcopy(policy).eval()
    for p in reference.parameters():
        p.requires_grad_(False)

    optim = torch.optim.AdamW(policy.parameters(), lr=5e-4)
    batch_size = 2

    for epoch in range(3):
        order = PAIRS[:]
        random.shuffle(order)
        for start in range(0, len(order), batch_size):
            chunk = order[start:start + batch_size]
            g_tok, g_attn, g_mask = collate(chunk, "good")
            b_tok, b_attn, b_mask = collate(chunk, "bad")

            with torch.no_grad():
                ref_g = summary_logprob(reference, g_tok, g_attn, g_mask)
                ref_b = summary_logprob(reference, b_tok, b_attn, b_mask)
            pol_g = summary_logprob(policy, g_tok, g_attn, g_mask)
            pol_b = summary_logprob(policy, b_tok, b_attn, b_mask)

            loss, margin = dpo_loss(pol_g, pol_b, ref_g, ref_b)
            optim.zero_grad()
            loss.backward()
            optim.step()
            acc = (margin > 0).float().mean().item()
            print(f"epoch {epoch} step {start // batch_size} loss {loss.item():.4f} pref-acc {acc:.2f}")

    policy.eval()
    with torch.no_grad():
        g_tok, g_attn, g_mask = collate(PAIRS, "good")
        b_tok, b_attn, b_mask = collate(PAIRS, "bad")
        gap = summary_logprob(policy, g_tok, g_attn, g_mask) - summary_logprob(policy, b_tok, b_attn, b_mask)
    print("final log-prob gap per pair:", [round(v, 3) for v in gap.tolist()])


if __name__ == "__main__":
    main()
