"""DPO tuning of a tiny help-desk assistant on agent reply preferences.

Each ticket has a reply that the QA team preferred and one they rejected.
Dialogues are rendered with customer/agent role tags, the policy is a small
GPT-2 and the frozen reference is a copy of its initial weights.
"""
import os
import random
import tempfile

import torch
import torch.nn.functional as F
from transformers import BertTokenizer, GPT2Config, GPT2LMHeadModel

torch.manual_seed(7)
random.seed(7)

CUSTOMER_TAG = "<|customer|>"
AGENT_TAG = "<|agent|>"

TICKETS = [
    {"ticket": "my parcel has not arrived after ten days",
     "preferred": "sorry for the wait , i have opened a trace with the courier and will email you the result today",
     "rejected": "parcels are sometimes late"},
    {"ticket": "i was charged twice for one order",
     "preferred": "i can see the duplicate charge and have refunded it , it should appear in three to five days",
     "rejected": "contact your bank"},
    {"ticket": "how do i reset my password",
     "preferred": "click forgot password on the login page and follow the link we email you",
     "rejected": "we cannot help with that"},
    {"ticket": "the app crashes when i open my basket",
     "preferred": "thanks for reporting this , please update to the latest version and tell us if it still crashes",
     "rejected": "reinstall it"},
    {"ticket": "can i change the delivery address",
     "preferred": "yes , if the order has not shipped i can update the address for you now",
     "rejected": "no"},
    {"ticket": "the discount code does not work",
     "preferred": "that code expired yesterday , i have added a new one to your account instead",
     "rejected": "codes expire"},
]


def build_tokenizer(workdir):
    words = sorted({w for row in TICKETS for text in row.values() for w in text.split()})
    path = os.path.join(workdir, "helpdesk_vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    tok = BertTokenizer(path)
    tok.add_special_tokens({"additional_special_tokens": [CUSTOMER_TAG, AGENT_TAG]})
    return tok


def render(tok, ticket, reply, max_len=48):
    head = (tok.convert_tokens_to_ids([CUSTOMER_TAG])
            + tok.encode(ticket, add_special_tokens=False)
            + tok.convert_tokens_to_ids([AGENT_TAG]))
    body = tok.encode(reply, add_special_tokens=False) + [tok.sep_token_id]
    ids = (head + body)[:max_len]
    reply_flags = ([0] * len(head) + [1] * len(body))[:max_len]
    return ids, reply_flags


def collate(tok, rows, side):
    rendered = [render(tok, r["ticket"], r[side]) for r in rows]
    width = max(len(ids) for ids, _ in rendered)
    dialog, attn, reply_mask = [], [], []
    for ids, flags in rendered:
        gap = width - len(ids)
        dialog.append(ids + [tok.pad_token_id] * gap)
        attn.append([1] * len(ids) + [0] * gap)
        reply_mask.append(flags + [0] * gap)
    return torch.tensor(dialog), torch.tensor(attn), torch.tensor(reply_mask)


def reply_logprob(lm, dialog, attn, reply_mask):
    logits = lm(input_ids=dialog, attention_mask=attn).logits[:, :-1]
    nxt = dialog[:, 1:]
    token_lp = torch.gather(logits.log_softmax(-1), 2, nxt.unsqueeze(-1)).squeeze(-1)
    return (token_lp * reply_mask[:, 1:].float()).sum(-1)


def dpo_objective(pi_good, pi_bad, ref_good, ref_bad, beta=0.1):
    margin = (pi_good - ref_good) - (pi_bad - ref_bad)
    return -F.logsigmoid(beta * margin).mean(), margin.detach()


def main():
    workdir = tempfile.mkdtemp(prefix="helpdesk_dpo_")
    tok = build_tokenizer(workdir)

    cfg = GPT2Config(
        vocab_size=len(tok),
        n_positions=64,
        n_embd=32,
        n_layer=2,
        n_head=2,
        bos_token_id=tok.cls_token_id,
        eos_token_id=tok.sep_token_id,
        pad_token_id=tok.pad_token_id,
    )
    policy = GPT2LMHeadModel(cfg)
    reference = GPT2LMHeadModel(cfg)
    reference.load_state_dict(policy.state_dict())
    reference.eval()
    for p in reference.parameters():
        p.requires_grad_(False)

    optim = torch.optim.AdamW(policy.parameters(), lr=3e-4)
    rows = list(TICKETS)
    batch_size = 3

    for epoch in range(3):
        random.shuffle(rows)
        running, wins = 0.0, 0
        for start in range(0, len(rows), batch_size):
            chunk = rows[start:start + batch_size]
            good = collate(tok, chunk, "preferred")
            bad = collate(tok, chunk, "rejected")

            pi_good = reply_logprob(policy, *good)
            pi_bad = reply_logprob(policy, *bad)
            with torch.no_grad():
                ref_good = reply_logprob(reference, *good)
                ref_bad = reply_logprob(reference, *bad)

            loss, margin = dpo_objective(pi_good, pi_bad, ref_good, ref_bad)
            optim.zero_grad()
            loss.backward()
            optim.step()
            running += loss.item() * len(chunk)
            wins += int((margin > 0).sum())
        print(f"epoch {epoch}: dpo loss {running / len(rows):.4f}  "
              f"reward accuracy {wins / len(rows):.2f}")


if __name__ == "__main__":
    main()
