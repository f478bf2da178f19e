"""SimPO-style preference tuning of a toy news summariser.

Editors marked one TL;DR per article as preferred. Preferred and rejected
summaries are tokenized as separate batches (prompt + summary), scored by the
length-normalised log-probability of the summary tokens, and pushed apart with
a reference-free margin loss.
"""
import json
import os
import tempfile

import torch
import torch.nn.functional as F
from tokenizers import Tokenizer
from tokenizers.models import WordLevel
from tokenizers.pre_tokenizers import Whitespace
from transformers import GPT2Config, GPT2LMHeadModel, PreTrainedTokenizerFast

torch.manual_seed(11)

EDITOR_PICKS = [
    ("council votes to close the old bridge for repairs starting next month",
     "the old bridge will close next month for council approved repairs",
     "bridge closing"),
    ("heavy rain floods the market square and shops stay shut on monday",
     "flooding from heavy rain kept market square shops shut on monday",
     "rain in town"),
    ("local school wins the regional science fair with a solar boat",
     "a local school won the regional science fair with its solar boat",
     "school wins"),
    ("train fares rise by four percent from january the operator says",
     "the operator says train fares will rise four percent in january",
     "fares up"),
    ("new library opens downtown with a rooftop reading garden",
     "a new downtown library has opened with a rooftop reading garden",
     "library opens"),
    ("hospital adds night clinic to cut emergency waiting times",
     "the hospital added a night clinic to cut emergency waiting times",
     "hospital news"),
]


def build_tokenizer(workdir):
    words = sorted({w for row in EDITOR_PICKS for text in row for w in text.split()})
    vocab = {"<pad>": 0, "<unk>": 1, "<eos>": 2, "tl;dr:": 3}
    for w in words:
        vocab.setdefault(w, len(vocab))
    path = os.path.join(workdir, "news_vocab.json")
    with open(path, "w") as fh:
        json.dump(vocab, fh)
    core = Tokenizer(WordLevel.from_file(path, unk_token="<unk>"))
    core.pre_tokenizer = Whitespace()
    return PreTrainedTokenizerFast(tokenizer_object=core, pad_token="<pad>",
                                   unk_token="<unk>", eos_token="<eos>")


def encode_side(tok, articles, summaries):
    prompts = [f"{a} tl;dr:" for a in articles]
    texts = [f"{p} {s} <eos>" for p, s in zip(prompts, summaries)]
    enc = tok(texts, padding=True, return_tensors="pt")
    prompt_lens = [len(tok(p)["input_ids"]) for p in prompts]
    positions = torch.arange(enc["input_ids"].size(1)).unsqueeze(0)
    summary_mask = (positions >= torch.tensor(prompt_lens).unsqueeze(1)) & enc["attention_mask"].bool()
    return {"ids": enc["input_ids"], "attn": enc["attention_mask"], "summary": summary_mask.float()}


def next_token_logps(lm, side):
    logits = lm(input_ids=side["ids"], attention_mask=side["attn"]).logits[:, :-1]
    return logits.log_softmax(-1).gather(2, side["ids"][:, 1:].unsqueeze(-1)).squeeze(-1)


def mean_summary_logp(token_lp, summary_mask, steps):
    total = torch.zeros(token_lp.size(0))
    count = torch.zeros(token_lp.size(0))
    for t in range(steps):
        total = total + token_lp[:, t] * summary_mask[:, t]
        count = count + summary_mask[:, t]
    return total / count.clamp(min=1.0)


def simpo_scores(lm, preferred, rejected):
    scores = []
    for side in (preferred, rejected):
        steps = side["ids"].size(1) - 1
        token_lp = next_token_logps(lm, side)
        scores.append(mean_summary_logp(token_lp, side["summary"][:, 1:], steps))
    return scores


def simpo_loss(pref_score, rej_score, beta=2.0, gamma=0.5):
    return -F.logsigmoid(beta * (pref_score - rej_score) - gamma).mean()


def main():
    workdir = tempfile.mkdtemp(prefix="tldr_simpo_")
    tok = build_tokenizer(workdir)
    cfg = GPT2Config(vocab_size=len(tok), n_positions=64, n_embd=48, n_layer=2, n_head=4,
                     bos_token_id=tok.eos_token_id, eos_token_id=tok.eos_token_id,
                     pad_token_id=tok.pad_token_id)
    summariser = GPT2LMHeadModel(cfg)
    opt = torch.optim.AdamW(summariser.parameters(), lr=5e-4, weight_decay=0.0)

    articles = [a for a, _, _ in EDITOR_PICKS]
    preferred = encode_side(tok, articles, [p for _, p, _ in EDITOR_PICKS])
    rejected = encode_side(tok, articles, [r for _, _, r in EDITOR_PICKS])
    print("preferred batch", tuple(preferred["ids"].shape),
          "rejected batch", tuple(rejected["ids"].shape))

    for step in range(20):
        pref_score, rej_score = simpo_scores(summariser, preferred, rejected)
        loss = simpo_loss(pref_score, rej_score)
        opt.zero_grad()
        loss.backward()
        opt.step()
        if step % 5 == 0 or step == 19:
            gap = (pref_score - rej_score).mean().item()
            print(f"step {step:2d}  simpo loss {loss.item():.4f}  mean score gap {gap:+.3f}")


if __name__ == "__main__":
    main()
