"""Bradley-Terry reward model for customer-support replies.

A small BERT encoder reads (customer message, agent reply) as a sentence pair. The reply
score comes from a linear head over a pooled representation that mixes the [CLS] vector with
a masked mean over the reply tokens.
"""
import os
import tempfile

import torch
import torch.nn as nn
import torch.nn.functional as F
from transformers import BertConfig, BertModel, BertTokenizer

torch.manual_seed(1)

TICKETS = [
    ("my order arrived damaged what can i do",
     "sorry about that we will send a replacement today at no cost",
     "orders sometimes get damaged"),
    ("i was charged twice for one subscription",
     "i have refunded the second charge it will show in three days",
     "please check your bank"),
    ("how do i reset my password",
     "click forgot password on the login page and follow the email link",
     "passwords can be reset"),
    ("the app crashes when i open settings",
     "thanks for the report please update to the latest version which fixes this crash",
     "try again later"),
    ("can i change the delivery address",
     "yes you can edit the address under orders until the parcel ships",
     "no"),
    ("my discount code does not work",
     "that code expired yesterday here is a new one for ten percent off",
     "codes expire"),
]


def build_tokenizer(workdir):
    words = sorted({w for row in TICKETS for text in row for w in text.split()})
    path = os.path.join(workdir, "support_vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return BertTokenizer(path, do_lower_case=True)


class ReplyScorer(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.encoder = BertModel(config, add_pooling_layer=False)
        self.head = nn.Sequential(
            nn.Dropout(config.hidden_dropout_prob),
            nn.Linear(2 * config.hidden_size, 1),
        )

    def forward(self, ids, mask, segments):
        states = self.encoder(input_ids=ids, attention_mask=mask, token_type_ids=segments).last_hidden_state
        reply_weight = (segments * mask).unsqueeze(-1).float()
        reply_mean = (states * reply_weight).sum(1) / reply_weight.sum(1).clamp(min=1.0)
        pooled = torch.cat([states[:, 0], reply_mean], dim=-1)
        return self.head(pooled).squeeze(-1)


def encode(tok, messages, replies):
    enc = tok(messages, replies, padding=True, truncation=True, max_length=48, return_tensors="pt")
    return enc["input_ids"], enc["attention_mask"], enc["token_type_ids"]


def bradley_terry(better, worse):
    return -F.logsigmoid(better - worse).mean()


def main():
    with tempfile.TemporaryDirectory() as workdir:
        tok = build_tokenizer(workdir)

    cfg = BertConfig(vocab_size=tok.vocab_size, hidden_size=32, num_hidden_layers=2,
                     num_attention_heads=2, intermediate_size=64, max_position_embeddings=64,
                     type_vocab_size=2)
    scorer = ReplyScorer(cfg)
    opt = torch.optim.Adam(scorer.parameters(), lr=3e-4)

    n_pairs = 4
    for step in range(8):
        rows = [TICKETS[(step * n_pairs + k) % len(TICKETS)] for k in range(n_pairs)]
        messages = [r[0] for r in rows]
        # score preferred and dispreferred replies in a single forward pass
        ids, mask, segs = encode(tok, messages + messages, [r[1] for r in rows] + [r[2] for r in rows])
        scores = scorer(ids, mask, segs)
        good_scores, bad_scores = scores[:n_pairs], scores[n_pairs:]

        loss = bradley_terry(good_scores, bad_scores)
        opt.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(scorer.parameters(), 1.0)
        opt.step()
        win_rate = (good_scores > bad_scores).float().mean().item()
        print(f"step {step:02d}  bt-loss {loss.item():.4f}  win-rate {win_rate:.2f}")

    scorer.eval()
    with torch.no_grad():
        msgs = [t[0] for t in TICKETS]
        ids, mask, segs = encode(tok, msgs, [t[1] for t in TICKETS])
        good = scorer(ids, mask, segs)
        ids, mask, segs = encode(tok, msgs, [t[2] for t in TICKETS])
        bad = scorer(ids, mask, segs)
    for (msg, _, _), g, b in zip(TICKETS, good.tolist(), bad.tolist()):
        print(f"{msg[:32]:<32}  helpful {g:+.3f}  curt {b:+.3f}")


if __name__ == "__main__":
    main()
