import os
import random

import torch
import torch.nn as nn
import torch.nn.functional as F
from transformers import BertConfig, BertModel, BertTokenizer

random.seed(11)
torch.manual_seed(11)

vocab_file = os.path.join(os.path.dirname(os.path.abspath(__file__)), "vocab_rs.txt")
lexicon = sorted(set(
    "hello hi how can i help you my order has not arrived yet sorry to hear that "
    "could you share the order number it is twelve thirty four let me check "
    "the parcel is delayed by two days do you want a refund yes please no thanks "
    "okay great anything else goodbye bye have a nice day weather sunny today".split()
))
with open(vocab_file, "w") as f:
    for tok in ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "<user>", "<agent>"] + lexicon:
        f.write(tok + "\n")

tok = BertTokenizer(vocab_file)

MAX_SEQ_LEN = 64
MAX_RESP_LEN = 16
N_CANDIDATES = 4

utterances = [
    "hello how can i help you",
    "my order has not arrived yet",
    "sorry to hear that could you share the order number",
    "it is twelve thirty four",
    "let me check the parcel is delayed by two days",
    "do you want a refund",
    "yes please",
    "okay great anything else",
    "no thanks goodbye",
    "bye have a nice day",
]


def make_episode():
    n_turns = random.randint(4, len(utterances) - 1)
    start = random.randint(0, len(utterances) - n_turns - 1)
    history = utterances[start:start + n_turns]
    gold = utterances[start + n_turns]
    negatives = random.sample([u for u in utterances if u != gold], N_CANDIDATES - 1)
    return {"history": history, "candidates": [gold] + negatives, "label": 0}


def flatten_history(history):
    toks = []
    for i, utt in enumerate(history):
        toks.append("<user>" if (len(history) - i) % 2 == 1 else "<agent>")
        toks.extend(tok.tokenize(utt))
    return toks


def truncate_left(tokens, budget):
    return tokens[-budget:] if len(tokens) > budget else tokens


def encode_pair(history, response):
    ctx = truncate_left(flatten_history(history), MAX_SEQ_LEN - 2)
    resp = tok.tokenize(response)[:MAX_RESP_LEN]
    tokens = ["[CLS]"] + ctx + ["[SEP]"] + resp + ["[SEP]"]
    segs = [0] * (len(ctx) + 2) + [1] * (len(resp) + 1)
    return tok.convert_tokens_to_ids(tokens), segs


def episodes_to_batch(episodes):
    rows = [encode_pair(ep["history"], c) for ep in episodes for c in ep["candidates"]]
    width = max(len(ids) for ids, _ in rows)
    ids_t = torch.full((len(rows), width), tok.pad_token_id, dtype=torch.long)
    seg_t = torch.zeros_like(ids_t)
    for r, (ids, segs) in enumerate(rows):
        ids_t[r, :len(ids)] = torch.tensor(ids)
        seg_t[r, :len(segs)] = torch.tensor(segs)
    return {
        "input_ids": ids_t,
        "token_type_ids": seg_t,
        "attention_mask": (ids_t != tok.pad_token_id).long(),
        "labels": torch.tensor([ep["label"] for ep in episodes]),
    }


class CrossEncoderRanker(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.bert = BertModel(cfg)
        self.score = nn.Linear(cfg.hidden_size, 1)

    def forward(self, input_ids, token_type_ids, attention_mask):
        h = self.bert(input_ids=input_ids, token_type_ids=token_type_ids,
                      attention_mask=attention_mask).last_hidden_state[:, 0]
        return self.score(h).view(-1, N_CANDIDATES)


cfg = BertConfig(vocab_size=len(tok.vocab), hidden_size=32, num_hidden_layers=1,
                 num_attention_heads=2, intermediate_size=64,
                 max_position_embeddings=MAX_SEQ_LEN)
ranker = CrossEncoderRanker(cfg)
opt = torch.optim.Adam(ranker.parameters(), lr=1e-3)

train_eps = [make_episode() for _ in range(40)]


def batches(eps, size):
    for i in range(0, len(eps), size):
        yield episodes_to_batch(eps[i:i + size])


for epoch in range(3):
    random.shuffle(train_eps)
    running, steps = 0.0, 0
    for b in batches(train_eps, 8):
        scores = ranker(b["input_ids"], b["token_type_ids"], b["attention_mask"])
        loss = F.cross_entropy(scores, b["labels"])
        opt.zero_grad()
        loss.backward()
        opt.step()
        running += loss.item()
        steps += 1
    print(f"epoch {epoch}: loss={running / steps:.3f}")

ranker.eval()
with torch.no_grad():
    b = episodes_to_batch([make_episode() for _ in range(10)])
    r_at_1 = (ranker(b["input_ids"], b["token_type_ids"], b["attention_mask"]).argmax(-1) == 0).float().mean()
print(f"R@1 = {r_at_1:.2f}")
