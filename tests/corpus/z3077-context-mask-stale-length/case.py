import os
import random
from dataclasses import dataclass, field
from typing import List

import torch
import torch.nn.functional as F
from torch import nn
from transformers import BertConfig, BertForQuestionAnswering, BertTokenizer

random.seed(7)
torch.manual_seed(7)


@dataclass
class QAConfig:
    vocab_file: str = os.path.join(os.path.dirname(os.path.abspath(__file__)), "vocab.txt")
    max_seq_length: int = 64
    batch_size: int = 6
    epochs: int = 3
    lr: float = 5e-4
    max_answer_len: int = 6


@dataclass
class Feature:
    qid: str
    input_ids: List[int]
    token_type_ids: List[int]
    context_mask: List[int]
    start: int
    end: int
    tokens: List[str] = field(default_factory=list)


def write_vocab(path):
    words = ("[PAD] [UNK] [CLS] [SEP] [MASK] who what where wrote discovered invented the a an "
             "of in on by and was is novel theory engine physicist chemist author telescope "
             "paris london vienna berlin marie albert isaac ada charles 1905 1687 1843 1859 "
             "first famous early young later work published during century").split()
    with open(path, "w") as fh:
        for w in words:
            fh.write(w + "\n")


FACTS = [
    ("albert", "theory", "1905", "berlin"),
    ("isaac", "telescope", "1687", "london"),
    ("ada", "engine", "1843", "london"),
    ("charles", "theory", "1859", "london"),
    ("marie", "work", "1905", "paris"),
]


def synth_pairs(n):
    pairs = []
    for i in range(n):
        who, what, year, where = random.choice(FACTS)
        pre = " ".join(random.choices(["the", "early", "famous", "later", "work", "century"], k=random.randint(2, 9)))
        ctx = f"{pre} {who} published the first {what} in {year} in {where} during the century"
        pairs.append((f"id{i}", f"where was the {what} published", ctx, where))
    return pairs


def featurize(tok, pairs, cfg):
    out = []
    for qid, question, context, answer in pairs:
        q_toks = tok.tokenize(question)
        c_toks = tok.tokenize(context)
        tokens = ["[CLS]"] + q_toks + ["[SEP]"] + c_toks + ["[SEP]"]
        ans_idx = len(q_toks) + 2 + c_toks.index(answer)
        ctx_start = len(q_toks) + 2
        ctx_mask = [0] * cfg.max_seq_length
        for j in range(ctx_start, len(tokens) - 1):
            ctx_mask[j] = 1
        out.append(Feature(qid, tok.convert_tokens_to_ids(tokens),
                           [0] * ctx_start + [1] * (len(c_toks) + 1),
                           ctx_mask, ans_idx, ans_idx, tokens))
    return out


def collate(feats):
    width = max(len(f.input_ids) for f in feats)
    pad = lambda seq: seq + [0] * (width - len(seq))
    return {
        "input_ids": torch.tensor([pad(f.input_ids) for f in feats]),
        "token_type_ids": torch.tensor([pad(f.token_type_ids) for f in feats]),
        "attention_mask": torch.tensor([pad([1] * len(f.input_ids)) for f in feats]),
        "context_mask": torch.tensor([f.context_mask for f in feats]).bool(),
        "start_positions": torch.tensor([f.start for f in feats]),
        "end_positions": torch.tensor([f.end for f in feats]),
    }


def batches(feats, size, shuffle=True):
    order = list(range(len(feats)))
    if shuffle:
        random.shuffle(order)
    for i in range(0, len(order), size):
        yield collate([feats[j] for j in order[i:i + size]])


def span_loss(start_logits, end_logits, batch):
    neg = torch.finfo(start_logits.dtype).min
    start_logits = start_logits.masked_fill(~batch["context_mask"], neg)
    end_logits = end_logits.masked_fill(~batch["context_mask"], neg)
    return (F.cross_entropy(start_logits, batch["start_positions"])
            + F.cross_entropy(end_logits, batch["end_positions"])) / 2


def decode(start_logits, end_logits, max_answer_len):
    best = (float("-inf"), 0, 0)
    for s in range(start_logits.size(0)):
        for e in range(s, min(s + max_answer_len, end_logits.size(0))):
            score = (start_logits[s] + end_logits[e]).item()
            if score > best[0]:
                best = (score, s, e)
    return best


def main():
    cfg = QAConfig()
    write_vocab(cfg.vocab_file)
    tok = BertTokenizer(cfg.vocab_file)
    train = featurize(tok, synth_pairs(36), cfg)
    dev = featurize(tok, synth_pairs(6), cfg)

    bert_cfg = BertConfig(vocab_size=len(tok.vocab), hidden_size=32, num_hidden_layers=1,
                          num_attention_heads=2, intermediate_size=64,
                          max_position_embeddings=cfg.max_seq_length)
    model = BertForQuestionAnswering(bert_cfg)
    optim = torch.optim.Adam(model.parameters(), lr=cfg.lr)

    for epoch in range(cfg.epochs):
        model.train()
        total = 0.0
        for batch in batches(train, cfg.batch_size):
            out = model(input_ids=batch["input_ids"], token_type_ids=batch["token_type_ids"],
                        attention_mask=batch["attention_mask"])
            loss = span_loss(out.start_logits, out.end_logits, batch)
            optim.zero_grad()
            loss.backward()
            optim.step()
            total += loss.item()
        print(f"epoch {epoch}: {total:.3f}")

    model.eval()
    with torch.no_grad():
        for batch, feat in zip(batches(dev, 1, shuffle=False), dev):
            out = model(input_ids=batch["input_ids"], token_type_ids=batch["token_type_ids"],
                        attention_mask=batch["attention_mask"])
            score, s, e = decode(out.start_logits[0], out.end_logits[0], cfg.max_answer_len)
            print(feat.qid, " ".join(feat.tokens[s:e + 1]), round(score, 3))


if __name__ == "__main__":
    main()
