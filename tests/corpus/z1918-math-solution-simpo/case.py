"""Length-normalised preference tuning (SimPO-style) on arithmetic word problems.

A character-level GPT-2 sees "Q:<problem>|A:<solution>" and we push the average
log-prob of the correct worked solution above that of a wrong one by a margin.
"""
import string

import torch
import torch.nn.functional as F
from transformers import GPT2Config, GPT2LMHeadModel

torch.manual_seed(0)

PROBLEMS = [
    ("tom has 3 bags of 4 apples, how many apples?", "3*4=12, so 12 apples", "3+4=7, so 7 apples"),
    ("a train goes 60 km/h for 2 h, distance?", "60*2=120 km", "60/2=30 km"),
    ("15 cookies shared by 5 kids, each gets?", "15/5=3 cookies", "15-5=10 cookies"),
    ("a book costs 8 and a pen 2, total for 2 books and 1 pen?", "2*8+2=18", "8+2=10, then 10*2=20"),
    ("sara read 12 pages mon and twice as many tue, total?", "12+24=36 pages", "12*2=24 pages"),
]

ALPHABET = string.ascii_lowercase + string.digits + " ,.?:/*+-=|"
PAD, BOS, EOS = 0, 1, 2
CHAR_TO_ID = {c: i + 3 for i, c in enumerate(ALPHABET)}
BETA, GAMMA = 2.0, 0.5


def encode(text):
    return [CHAR_TO_ID[c] for c in text]


def make_side(pairs, which):
    rows, starts = [], []
    for question, good, bad in pairs:
        prefix = [BOS] + encode("q:" + question + "|a:")
        answer = encode(good if which == "good" else bad) + [EOS]
        rows.append(prefix + answer)
        starts.append(len(prefix))
    width = max(len(r) for r in rows)
    ids = torch.full((len(rows), width), PAD, dtype=torch.long)
    attn = torch.zeros_like(ids)
    for i, r in enumerate(rows):
        ids[i, : len(r)] = torch.tensor(r)
        attn[i, : len(r)] = 1
    return {
        "ids": ids,
        "attn": attn,
        "answer_start": starts,
        "lengths": [len(r) for r in rows],
    }


def answer_avg_logp(model, side):
    logits = model(input_ids=side["ids"], attention_mask=side["attn"]).logits
    step_logp = logits[:, :-1].log_softmax(-1)
    next_tok = side["ids"][:, 1:]
    tok_logp = step_logp.gather(-1, next_tok.unsqueeze(-1)).squeeze(-1)

    averages = []
    for b in range(tok_logp.size(0)):
        start, stop = side["answer_start"][b], side["lengths"][b]
        running = tok_logp.new_zeros(())
        for pos in range(start, stop):
            running = running + tok_logp[b, pos]
        averages.append(running / (stop - start))
    return torch.stack(averages)


def simpo_loss(avg_good, avg_bad):
    return -F.logsigmoid(BETA * (avg_good - avg_bad) - GAMMA).mean()


def main():
    cfg = GPT2Config(
        vocab_size=len(ALPHABET) + 3,
        n_positions=128,
        n_embd=64,
        n_layer=2,
        n_head=4,
        bos_token_id=BOS,
        eos_token_id=EOS,
        pad_token_id=PAD,
    )
    model = GPT2LMHeadModel(cfg)
    optim = torch.optim.AdamW(model.parameters(), lr=1e-3)

    good_side = make_side(PROBLEMS, "good")
    bad_side = make_side(PROBLEMS, "bad")
    print("good batch", tuple(good_side["ids"].shape), "bad batch", tuple(bad_side["ids"].shape))

    model.train()
    for epoch in range(6):
        avg_good = answer_avg_logp(model, good_side)
        avg_bad = answer_avg_logp(model, bad_side)
        loss = simpo_loss(avg_good, avg_bad)
        optim.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optim.step()
        win = (avg_good > avg_bad).float().mean().item()
        print(f"epoch {epoch} loss {loss.item():.4f} win-rate {win:.2f}")

    model.eval()
    with torch.no_grad():
        gap = answer_avg_logp(model, good_side) - answer_avg_logp(model, bad_side)
    for (question, _, _), g in zip(PROBLEMS, gap.tolist()):
        print(f"{g:+.3f}  {question}")


if __name__ == "__main__":
    main()
