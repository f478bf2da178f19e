"""Reward model for step-by-step math explanations, with an SFT regulariser.

A tiny GPT-2 with a scalar value head reads (problem, solution). The reward is the value
head at the last real token. Besides the pairwise loss, a small language-modelling loss on
the preferred solutions keeps the backbone from drifting (as in InstructGPT-style RMs).
"""
import torch
import torch.nn as nn
import torch.nn.functional as F
from transformers import GPT2Config, GPT2LMHeadModel

torch.manual_seed(7)

SAMPLES = [
    ("what is 12 plus 30", "12 plus 30 equals 42 because 10 plus 30 is 40 and 2 more is 42", "it is 42"),
    ("what is 9 times 6", "9 times 6 is 54 since 9 times 5 is 45 and adding 9 gives 54", "56"),
    ("half of 80", "half of 80 is 40 because 80 divided by 2 is 40", "80 is big"),
    ("what is 100 minus 37", "100 minus 37 is 63 since 100 minus 40 is 60 plus 3 is 63", "it is 73"),
    ("what is 7 squared", "7 squared is 7 times 7 which is 49", "14"),
    ("what is 15 percent of 200", "10 percent of 200 is 20 and 5 percent is 10 so the answer is 30", "15"),
]

lexicon = {"[pad]": 0, "[q]": 1, "[a]": 2, "[end]": 3}
for prob, good, bad in SAMPLES:
    for w in f"{prob} {good} {bad}".split():
        lexicon.setdefault(w, len(lexicon))


def to_ids(problem, solution):
    ids = [lexicon["[q]"]] + [lexicon[w] for w in problem.split()]
    answer_start = len(ids) + 1
    ids += [lexicon["[a]"]] + [lexicon[w] for w in solution.split()] + [lexicon["[end]"]]
    return ids, answer_start


def batchify(problems, solutions):
    rows = [to_ids(p, s) for p, s in zip(problems, solutions)]
    longest = max(len(r) for r, _ in rows)
    seq = torch.zeros(len(rows), longest, dtype=torch.long)
    keep = torch.zeros(len(rows), longest, dtype=torch.long)
    lm_targets = torch.full((len(rows), longest), -100, dtype=torch.long)
    for i, (r, a0) in enumerate(rows):
        seq[i, :len(r)] = torch.tensor(r)
        keep[i, :len(r)] = 1
        lm_targets[i, a0:len(r)] = seq[i, a0:len(r)]
    return seq, keep, lm_targets


class MathRM(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.lm = GPT2LMHeadModel(cfg)
        self.value = nn.Linear(cfg.n_embd, 1)

    def forward(self, seq, keep):
        out = self.lm(input_ids=seq, attention_mask=keep, output_hidden_states=True)
        last_h = out.hidden_states[-1]
        final_pos = keep.sum(dim=1) - 1
        reward = self.value(last_h[torch.arange(seq.size(0)), final_pos]).squeeze(-1)
        return reward, out.logits


def sft_term(lm_logits, lm_targets):
    shift_logits = lm_logits[:, :-1, :].contiguous()
    shift_labels = lm_targets[:, 1:].contiguous()
    return F.cross_entropy(shift_logits.view(-1, shift_logits.size(-1)),
                           shift_labels.view(-1), ignore_index=-100)


def main():
    cfg = GPT2Config(vocab_size=len(lexicon), n_positions=48, n_embd=32, n_layer=2, n_head=4,
                     bos_token_id=lexicon["[q]"], eos_token_id=lexicon["[end]"], pad_token_id=lexicon["[pad]"])
    rm = MathRM(cfg)
    opt = torch.optim.AdamW(rm.parameters(), lr=1e-3, weight_decay=0.0)
    sft_coef = 0.2
    per_step = 3

    for it in range(6):
        picks = [SAMPLES[(it * per_step + j) % len(SAMPLES)] for j in range(per_step)]
        probs = [p for p, _, _ in picks]
        up_seq, up_keep, up_tgt = batchify(probs, [g for _, g, _ in picks])
        down_seq, down_keep, _ = batchify(probs, [b for _, _, b in picks])

        r_up, up_logits = rm(up_seq, up_keep)
        r_down, _ = rm(down_seq, down_keep)

        pair_loss = -F.logsigmoid(r_up - r_down).mean()
        lm_loss = sft_term(up_logits, up_tgt)
        total = pair_loss + sft_coef * lm_loss

        opt.zero_grad()
        total.backward()
        opt.step()
        print(f"iter {it}  pair {pair_loss.item():.4f}  sft {lm_loss.item():.4f}  "
              f"margin {(r_up - r_down).mean().item():+.3f}")

    rm.eval()
    with torch.no_grad():
        probs = [p for p, _, _ in SAMPLES]
        r_good, _ = rm(*batchify(probs, [g for _, g, _ in SAMPLES])[:2])
        r_bad, _ = rm(*batchify(probs, [b for _, _, b in SAMPLES])[:2])
    print("held-in accuracy:", (r_good > r_bad).float().mean().item())


if __name__ == "__main__":
    main()
