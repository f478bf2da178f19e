import os
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from transformers import BertConfig, BertModel, BertTokenizer


@dataclass
class ReaderConfig:
    hidden_size: int = 32
    span_ffnn: int = 40
    width_emb: int = 16
    max_span_width: int = 6
    max_length: int = 40
    lr: float = 5e-4
    epochs: int = 3
    seed: int = 11


CFG = ReaderConfig()
rng = np.random.default_rng(CFG.seed)
torch.manual_seed(CFG.seed)

VOCAB_FILE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "reader_vocab.txt")

COMPANIES = ["acme", "globex", "initech", "umbrella", "hooli", "vandelay"]
YEARS = ["1998", "2004", "2011", "1987", "2015"]
CITIES = ["oslo", "lima", "perth", "dakar", "quito"]


def build_corpus(n):
    rows = []
    for _ in range(n):
        c, y, city = (str(rng.choice(opts)) for opts in (COMPANIES, YEARS, CITIES))
        ctx = f"{c} was founded in {y} by two engineers . its headquarters moved to {city} after the merger ."
        if rng.random() < 0.5:
            q, a = f"when was {c} founded ?", y
        else:
            q, a = f"where is the headquarters of {c} ?", city
        rows.append({"question": q, "context": ctx, "answer": a, "answer_start": ctx.index(f" {a} ") + 1})
    return rows


def write_vocab(rows):
    words = sorted({w for r in rows for w in (r["question"] + " " + r["context"]).split()})
    with open(VOCAB_FILE, "w") as fh:
        for tok in ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words:
            fh.write(tok + "\n")


def encode(rows, tokenizer):
    enc = tokenizer([r["question"] for r in rows], [r["context"] for r in rows],
                    max_length=CFG.max_length, padding="max_length", truncation="only_second",
                    return_offsets_mapping=True, return_tensors="pt")
    starts, ends = [], []
    for i, r in enumerate(rows):
        a0, a1 = r["answer_start"], r["answer_start"] + len(r["answer"])
        seq_ids = enc.sequence_ids(i)
        offsets = enc["offset_mapping"][i].tolist()
        s = e = 0
        for t, (o0, o1) in enumerate(offsets):
            if seq_ids[t] != 1:
                continue
            if o0 <= a0 < o1:
                s = t
            if o0 < a1 <= o1:
                e = t
        starts.append(s)
        ends.append(e)
    enc.pop("offset_mapping")
    return enc, torch.tensor(starts), torch.tensor(ends)


def enumerate_spans(seq_len, max_width):
    return torch.tensor([(i, j) for i in range(seq_len) for j in range(i, min(i + max_width, seq_len))])


class EndpointSpanReader(nn.Module):
    def __init__(self, cfg, vocab_size):
        super().__init__()
        bert_cfg = BertConfig(vocab_size=vocab_size, hidden_size=cfg.hidden_size, num_hidden_layers=1,
                              num_attention_heads=2, intermediate_size=64,
                              max_position_embeddings=cfg.max_length)
        self.encoder = BertModel(bert_cfg, add_pooling_layer=False)
        self.width_embeddings = nn.Embedding(cfg.max_span_width, cfg.width_emb)
        self.span_scorer = nn.Sequential(
            nn.Linear(2 * cfg.hidden_size + cfg.width_emb, cfg.span_ffnn),
            nn.GELU(),
            nn.Linear(cfg.span_ffnn, 1),
        )
        self.register_buffer("spans", enumerate_spans(cfg.max_length, cfg.max_span_width), persistent=False)

    def forward(self, input_ids, attention_mask, token_type_ids):
        hidden = self.encoder(input_ids=input_ids, attention_mask=attention_mask,
                              token_type_ids=token_type_ids).last_hidden_state
        starts, ends = self.spans[:, 0], self.spans[:, 1]
        span_repr = torch.cat([hidden[:, starts], hidden[:, ends],
                               self.width_embeddings(ends - starts).expand(hidden.size(0), -1, -1)], dim=-1)
        scores = self.span_scorer(span_repr).squeeze(-1)
        valid = (token_type_ids[:, starts] == 1) & (token_type_ids[:, ends] == 1)
        valid[:, 0] = True
        return scores.masked_fill(~valid, -1e4)


def gold_span_index(spans, s, e):
    lookup = {(a.item(), b.item()): k for k, (a, b) in enumerate(spans)}
    return torch.tensor([lookup.get((a.item(), b.item()), 0) for a, b in zip(s, e)])


def main():
    rows = build_corpus(24)
    write_vocab(rows)
    tokenizer = BertTokenizer(VOCAB_FILE)
    enc, start_pos, end_pos = encode(rows, tokenizer)

    model = EndpointSpanReader(CFG, tokenizer.vocab_size)
    targets = gold_span_index(model.spans, start_pos, end_pos)
    opt = torch.optim.Adam(model.parameters(), lr=CFG.lr)

    for epoch in range(CFG.epochs):
        perm = torch.randperm(len(rows))
        for chunk in perm.split(8):
            scores = model(enc["input_ids"][chunk], enc["attention_mask"][chunk], enc["token_type_ids"][chunk])
            loss = F.cross_entropy(scores, targets[chunk])
            opt.zero_grad()
            loss.backward()
            opt.step()
        print(f"epoch {epoch}: loss={loss.item():.3f}")

    model.eval()
    with torch.no_grad():
        scores = model(enc["input_ids"][:4], enc["attention_mask"][:4], enc["token_type_ids"][:4])
    for i, k in enumerate(scores.argmax(-1).tolist()):
        a, b = model.spans[k].tolist()
        pred = tokenizer.decode(enc["input_ids"][i, a:b + 1])
        print(f"Q: {rows[i]['question']!r} -> {pred!r} (gold {rows[i]['answer']!r})")


if __name__ == "__main__":
    main()
