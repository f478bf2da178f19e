"""DPO on code-review comments with a tiny GPT-2 policy.

Each record is a diff hunk plus two review comments written for it; the
maintainers marked one as helpful (chosen) and one as unhelpful (rejected).
Sequences are laid out as  <bos> diff <sep> comment <eos>.
"""
import copy

import torch
import torch.nn.functional as F
from transformers import GPT2Config, GPT2LMHeadModel

torch.manual_seed(0)

REVIEWS = [
    {
        "diff": "def load ( path ) : - return open ( path ) . read ( ) + with open ( path ) as fh : + return fh . read ( )",
        "chosen": "good change , the context manager closes the file handle",
        "rejected": "looks fine i guess",
    },
    {
        "diff": "for i in range ( len ( items ) ) : - total = total + items [ i ] . price + total += items [ i ] . price "
                "if total > limit : raise ValueError ( total ) return total def apply_discount ( total , rate ) : "
                "return total * ( 1 - rate )",
        "chosen": "iterate over items directly instead of range len , and test the limit branch",
        "rejected": "i am not sure about this one , there are a lot of things going on here and maybe we should "
                    "discuss it in the meeting next week before anybody merges anything into the main branch",
    },
    {
        "diff": "- timeout = 5 + timeout = config . get ( timeout , 5 )",
        "chosen": "nice , please document the new timeout key in the readme",
        "rejected": "why",
    },
    {
        "diff": "class Cache : def get ( self , key ) : - return self . data [ key ] + return self . data . get ( key )",
        "chosen": "returning none hides missing keys , callers should handle that case",
        "rejected": "ok",
    },
]

SPECIALS = ["<pad>", "<unk>", "<bos>", "<sep>", "<eos>"]
PROMPT_BUDGET = 40
BETA = 0.1


def build_vocab(records):
    words = sorted({w for r in records for field in ("diff", "chosen", "rejected") for w in r[field].split()})
    return {w: i for i, w in enumerate(SPECIALS + words)}


def to_ids(vocab, text):
    return [vocab.get(w, vocab["<unk>"]) for w in text.split()]


def layout(vocab, diff, comment, max_comment):
    diff_ids = to_ids(vocab, diff)[-PROMPT_BUDGET:]
    comment_ids = to_ids(vocab, comment)[:max_comment]
    seq = [vocab["<bos>"]] + diff_ids + [vocab["<sep>"]] + comment_ids + [vocab["<eos>"]]
    comment_start = len(diff_ids) + 2
    return seq, comment_start


def collate(vocab, records, side, max_comment):
    laid = [layout(vocab, r["diff"], r[side], max_comment) for r in records]
    width = max(len(seq) for seq, _ in laid)
    tokens = torch.full((len(laid), width), vocab["<pad>"], dtype=torch.long)
    attn = torch.zeros(len(laid), width, dtype=torch.long)
    comment_mask = torch.zeros(len(laid), width, dtype=torch.bool)
    for row, (seq, start) in enumerate(laid):
        tokens[row, : len(seq)] = torch.tensor(seq)
        attn[row, : len(seq)] = 1
        comment_mask[row, start : len(seq)] = True
    return tokens, attn, comment_mask


def sequence_logp(model, tokens, attn, comment_mask):
    logits = model(input_ids=tokens, attention_mask=attn).logits[:, :-1]
    targets = tokens[:, 1:]
    per_token = torch.gather(logits.log_softmax(-1), 2, targets.unsqueeze(-1)).squeeze(-1)
    return (per_token * comment_mask[:, 1:]).sum(-1)


def dpo_loss(pol_c, pol_r, ref_c, ref_r):
    logits = BETA * ((pol_c - ref_c) - (pol_r - ref_r))
    return -F.logsigmoid(logits).mean(), logits


def main():
    vocab = build_vocab(REVIEWS)
    cfg = GPT2Config(
        vocab_size=len(vocab),
        n_positions=64,
        n_embd=48,
        n_layer=2,
        n_head=4,
        bos_token_id=vocab["<bos>"],
        eos_token_id=vocab["<eos>"],
        pad_token_id=vocab["<pad>"],
    )
    policy = GPT2LMHeadModel(cfg)
    reference = copy.deepcopy(policy).eval().requires_grad_(False)

    # whatever the diff leaves of the context window goes to the comment
    max_comment = cfg.n_positions - PROMPT_BUDGET - 3
    chosen = collate(vocab, REVIEWS, "chosen", max_comment)
    rejected = collate(vocab, REVIEWS, "rejected", max_comment)
    print("chosen width", chosen[0].shape[1], "rejected width", rejected[0].shape[1])

    optim = torch.optim.AdamW(policy.parameters(), lr=5e-4)
    for step in range(4):
        with torch.no_grad():
            ref_c = sequence_logp(reference, *chosen)
            ref_r = sequence_logp(reference, *rejected)
        pol_c = sequence_logp(policy, *chosen)
        pol_r = sequence_logp(policy, *rejected)
        loss, margins = dpo_loss(pol_c, pol_r, ref_c, ref_r)
        optim.zero_grad()
        loss.backward()
        optim.step()
        print(f"step {step} dpo {loss.item():.4f} reward-acc {(margins > 0).float().mean().item():.2f}")


if __name__ == "__main__":
    main()
