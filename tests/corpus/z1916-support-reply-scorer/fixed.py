"""Pairwise reward model for customer-support replies.

A small BERT-style scorer reads "[CLS] ticket [SEP] reply [SEP]" and emits one
scalar; it is trained with a Bradley-Terry loss so that the reply the support
lead preferred scores higher than the one they rejected.
"""
import os
import tempfile

import torch
import torch.nn as nn
import torch.nn.functional as F
from transformers import BertConfig, BertModel, BertTokenizer

torch.manual_seed(0)

TICKETS = [
    ("my order arrived damaged and the box was open",
     "sorry about that , we will ship a replacement today",
     "please read our shipping policy before you contact us again about damaged boxes or anything else"),
    ("i was charged twice for the same subscription",
     "we refunded the duplicate charge , it shows in three days",
     "charges can happen for many reasons and you should check with your bank first before you write to us"),
    ("the app logs me out every time i close it",
     "please update to the latest version , it fixes the logout",
     "we have not heard of this problem and it is probably something on your phone that you need to check"),
    ("how do i change the email on my account",
     "open settings , then account , then edit email",
     "the email can be changed but it depends on several things so please send us more details about it"),
]

SPECIALS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]


def write_vocab(folder):
    words = sorted({w for row in TICKETS for text in row for w in text.split()})
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(SPECIALS + words) + "\n")
    return path


def encode_pair(tok, ticket, reply):
    t_ids = tok(ticket, add_special_tokens=False)["input_ids"]
    r_ids = tok(reply, add_special_tokens=False)["input_ids"]
    return [tok.cls_token_id] + t_ids + [tok.sep_token_id] + r_ids + [tok.sep_token_id]


def pad_to(seqs, width, pad_id):
    out = torch.full((len(seqs), width), pad_id, dtype=torch.long)
    for row, seq in enumerate(seqs):
        out[row, : len(seq)] = torch.tensor(seq)
    return out


def length_mask(lengths, width):
    lengths = torch.tensor(lengths)
    positions = torch.arange(width)
    return (positions[None, :] < lengths[:, None]).long()


def build_batch(tok, rows):
    chosen_seqs = [encode_pair(tok, t, good) for t, good, _ in rows]
    rejected_seqs = [encode_pair(tok, t, bad) for t, _, bad in rows]
    # one width for both sides so the two halves line up
    width = max(len(s) for s in chosen_seqs + rejected_seqs)
    return {
        "chosen_ids": pad_to(chosen_seqs, width, tok.pad_token_id),
        "chosen_mask": length_mask([len(s) for s in chosen_seqs], width),
        "rejected_ids": pad_to(rejected_seqs, width, tok.pad_token_id),
        "rejected_mask": length_mask([len(s) for s in rejected_seqs], width),
    }


class ReplyScorer(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.encoder = BertModel(config, add_pooling_layer=False)
        self.head = nn.Linear(config.hidden_size, 1)

    def forward(self, token_ids, mask):
        hidden = self.encoder(input_ids=token_ids, attention_mask=mask).last_hidden_state
        return self.head(hidden[:, 0]).squeeze(-1)


def bradley_terry_loss(score_good, score_bad):
    return -F.logsigmoid(score_good - score_bad).mean()


def main():
    with tempfile.TemporaryDirectory() as tmp:
        tok = BertTokenizer(write_vocab(tmp))

    config = BertConfig(
        vocab_size=tok.vocab_size,
        hidden_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=64,
        pad_token_id=tok.pad_token_id,
    )
    scorer = ReplyScorer(config)
    optim = torch.optim.AdamW(scorer.parameters(), lr=3e-4)

    batch = build_batch(tok, TICKETS)
    print("chosen", tuple(batch["chosen_ids"].shape), "rejected", tuple(batch["rejected_ids"].shape))

    for step in range(5):
        good = scorer(batch["chosen_ids"], batch["chosen_mask"])
        bad = scorer(batch["rejected_ids"], batch["rejected_mask"])
        loss = bradley_terry_loss(good, bad)
        optim.zero_grad()
        loss.backward()
        optim.step()
        acc = (good > bad).float().mean().item()
        print(f"step {step} loss {loss.item():.4f} pair-acc {acc:.2f}")

    scorer.eval()
    with torch.no_grad():
        margin = scorer(batch["chosen_ids"], batch["chosen_mask"]) - scorer(
            batch["rejected_ids"], batch["rejected_mask"]
        )
    print("final margins", [round(m, 3) for m in margin.tolist()])


if __name__ == "__main__":
    main()
