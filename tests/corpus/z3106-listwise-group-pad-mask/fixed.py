import os
import random
from collections import defaultdict

import numpy as np
import torch
import torch.nn as nn
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

VOCAB_FILE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "vocab_rank.txt")

TERMS = """4k tv oled 55 inch smart hdmi soundbar sofa sectional grey velvet coffee table oak
dining chair set of 4 ceramic mug espresso machine grinder burr milk frother bamboo cutting board
chef knife carbon steel cast iron skillet nonstick pan lid glass air fryer xl digital""".split()

MAX_GROUP = 8
SEQ_LEN = 32


def build_tokenizer():
    with open(VOCAB_FILE, "w") as f:
        f.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + sorted(set(TERMS))) + "\n")
    return BertTokenizer(VOCAB_FILE, do_lower_case=True)


def synth_log(seed=0, n_queries=30):
    rng = np.random.default_rng(seed)
    rows = []
    for qid in range(n_queries):
        q_terms = rng.choice(TERMS, size=rng.integers(2, 4), replace=False)
        query = " ".join(q_terms)
        n_cands = int(rng.integers(3, MAX_GROUP + 1))
        for _ in range(n_cands):
            keep = [t for t in q_terms if rng.random() < 0.6]
            filler = list(rng.choice(TERMS, size=rng.integers(3, 8)))
            title = " ".join(keep + filler)
            label = min(4, 2 * len(keep) + int(rng.random() < 0.2))
            rows.append({"qid": qid, "query": query, "title": title, "label": label})
    return rows


def group_by_query(rows):
    groups = defaultdict(list)
    for r in rows:
        groups[r["qid"]].append(r)
    return list(groups.values())


def listwise_batches(groups, tokenizer, queries_per_batch, shuffle_seed):
    order = list(range(len(groups)))
    random.Random(shuffle_seed).shuffle(order)
    for s in range(0, len(order), queries_per_batch):
        chunk = [groups[i] for i in order[s : s + queries_per_batch]]
        n_q = len(chunk)
        queries, titles = [], []
        labels = torch.zeros(n_q, MAX_GROUP)
        pad_mask = torch.zeros(n_q, MAX_GROUP, dtype=torch.bool)
        for gi, group in enumerate(chunk):
            for ci in range(MAX_GROUP):
                if ci < len(group):
                    queries.append(group[ci]["query"])
                    titles.append(group[ci]["title"])
                    labels[gi, ci] = group[ci]["label"]
                else:
                    queries.append("")
                    titles.append("")
                    pad_mask[gi, ci] = 1
        enc = tokenizer(queries, titles, padding="max_length", truncation=True,
                        max_length=SEQ_LEN, return_tensors="pt")
        yield {"enc": dict(enc), "labels": labels, "pad_mask": pad_mask, "n_q": n_q}


class ListwiseCrossEncoder(nn.Module):
    def __init__(self, vocab_size):
        super().__init__()
        cfg = BertConfig(vocab_size=vocab_size, hidden_size=32, num_hidden_layers=1,
                         num_attention_heads=2, intermediate_size=64,
                         max_position_embeddings=64, num_labels=1)
        self.bert = BertForSequenceClassification(cfg)

    def forward(self, enc, n_q):
        return self.bert(**enc).logits.view(n_q, MAX_GROUP)


def softmax_ce_listwise(scores, labels, pad_mask, temperature=1.0):
    scores = scores.masked_fill(pad_mask, float("-inf"))
    gains = (2.0 ** labels - 1.0).masked_fill(pad_mask, 0.0)
    target = gains / gains.sum(-1, keepdim=True).clamp_min(1e-6)
    log_p = torch.log_softmax(scores / temperature, dim=-1).masked_fill(pad_mask, 0.0)
    return -(target * log_p).sum(-1).mean()


def mrr(scores, labels, pad_mask):
    scores = scores.masked_fill(pad_mask, float("-inf"))
    best = labels.argmax(-1, keepdim=True)
    rank = (scores > scores.gather(1, best)).sum(-1) + 1
    return (1.0 / rank.float()).mean().item()


def run():
    torch.manual_seed(0)
    tokenizer = build_tokenizer()
    groups = group_by_query(synth_log())
    model = ListwiseCrossEncoder(len(tokenizer))
    optim = torch.optim.AdamW(model.parameters(), lr=5e-4, weight_decay=0.01)

    for epoch in range(2):
        model.train()
        losses = []
        for batch in listwise_batches(groups, tokenizer, queries_per_batch=4, shuffle_seed=epoch):
            scores = model(batch["enc"], batch["n_q"])
            loss = softmax_ce_listwise(scores, batch["labels"], batch["pad_mask"])
            optim.zero_grad()
            loss.backward()
            optim.step()
            losses.append(loss.item())
        model.eval()
        with torch.no_grad():
            val = next(listwise_batches(groups, tokenizer, 8, shuffle_seed=99))
            m = mrr(model(val["enc"], val["n_q"]), val["labels"], val["pad_mask"])
        print(f"epoch {epoch}: listwise ce {np.mean(losses):.4f}  mrr {m:.3f}")


if __name__ == "__main__":
    run()
