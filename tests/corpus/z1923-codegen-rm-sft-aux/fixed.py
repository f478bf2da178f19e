"""Reward model for code-completion preferences with an SFT regulariser.

Reviewers picked the better completion for each Python stub. Chosen and
rejected completions are run through one concatenated forward pass of a small
GPT-2: a scalar head on the last real token gives the Bradley-Terry reward,
and the LM head keeps an NLL term on the chosen completion tokens so the
backbone does not drift.
"""
import os
import re
import tempfile

import torch
import torch.nn as nn
import torch.nn.functional as F
from transformers import BertTokenizer, GPT2Config, GPT2LMHeadModel

torch.manual_seed(5)

REVIEWS = [
    {"stub": "def mean ( xs ) :",
     "chosen": "return sum ( xs ) / len ( xs ) if xs else 0",
     "rejected": "return sum ( xs ) / len ( xs )"},
    {"stub": "def is_even ( n ) :",
     "chosen": "return n % 2 == 0",
     "rejected": "if n % 2 == 0 : return True"},
    {"stub": "def last ( items ) :",
     "chosen": "return items [ - 1 ] if items else None",
     "rejected": "return items [ len ( items ) ]"},
    {"stub": "def clamp ( v , lo , hi ) :",
     "chosen": "return max ( lo , min ( v , hi ) )",
     "rejected": "return min ( lo , max ( v , hi ) )"},
    {"stub": "def read_lines ( path ) :",
     "chosen": "with open ( path ) as fh : return fh . read ( ) . splitlines ( )",
     "rejected": "return open ( path ) . readlines ( )"},
    {"stub": "def square_all ( xs ) :",
     "chosen": "return [ x * x for x in xs ]",
     "rejected": "for x in xs : x = x * x"},
]


def code_tokenizer(tmp):
    pieces = set()
    for r in REVIEWS:
        for text in r.values():
            pieces.update(re.findall(r"\w+|[^\w\s]", text))
    vocab_path = os.path.join(tmp, "code_vocab.txt")
    with open(vocab_path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + sorted(pieces)) + "\n")
    return BertTokenizer(vocab_path, do_lower_case=False)


def concat_batch(tok, reviews):
    seqs, nll_targets = [], []
    for side in ("chosen", "rejected"):
        for r in reviews:
            stub = tok.encode(r["stub"], add_special_tokens=False)
            body = tok.encode(r[side], add_special_tokens=False) + [tok.sep_token_id]
            seqs.append(stub + body)
            nll_targets.append([-100] * len(stub) + body)
    width = max(map(len, seqs))
    ids = torch.full((len(seqs), width), tok.pad_token_id)
    labels = torch.full((len(seqs), width), -100)
    attn = torch.zeros((len(seqs), width), dtype=torch.long)
    for i, (s, t) in enumerate(zip(seqs, nll_targets)):
        ids[i, :len(s)] = torch.tensor(s)
        labels[i, :len(t)] = torch.tensor(t)
        attn[i, :len(s)] = 1
    return ids, attn, labels


class CodeRewardModel(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.lm = GPT2LMHeadModel(cfg)
        self.value = nn.Linear(cfg.n_embd, 1)

    def forward(self, ids, attn):
        out = self.lm(input_ids=ids, attention_mask=attn, output_hidden_states=True)
        last_real = attn.sum(1) - 1
        final_h = out.hidden_states[-1][torch.arange(ids.size(0)), last_real]
        return self.value(final_h).squeeze(-1), out.logits


def chosen_nll(lm_logits, labels, n_pairs):
    shifted = lm_logits[:n_pairs, :-1, :]
    targets = labels[:n_pairs, 1:]
    return F.cross_entropy(shifted.reshape(-1, shifted.size(-1)), targets.reshape(-1), ignore_index=-100)


def main():
    tmp = tempfile.mkdtemp(prefix="code_rm_")
    tok = code_tokenizer(tmp)
    cfg = GPT2Config(vocab_size=len(tok), n_positions=64, n_embd=32, n_layer=2, n_head=2,
                     bos_token_id=tok.cls_token_id, eos_token_id=tok.sep_token_id,
                     pad_token_id=tok.pad_token_id)
    rm = CodeRewardModel(cfg)
    opt = torch.optim.AdamW(rm.parameters(), lr=1e-3)
    nll_weight = 0.2
    n_pairs = len(REVIEWS)

    ids, attn, labels = concat_batch(tok, REVIEWS)
    for it in range(15):
        reward, lm_logits = rm(ids, attn)
        r_chosen, r_rejected = reward[:n_pairs], reward[n_pairs:]
        bt_loss = -F.logsigmoid(r_chosen - r_rejected).mean()
        loss = bt_loss + nll_weight * chosen_nll(lm_logits, labels, n_pairs)
        opt.zero_grad()
        loss.backward()
        opt.step()
        if it % 5 == 0 or it == 14:
            acc = (r_chosen > r_rejected).float().mean().item()
            print(f"iter {it:2d}  bt {bt_loss.item():.4f}  total {loss.item():.4f}  pair acc {acc:.2f}")


if __name__ == "__main__":
    main()
