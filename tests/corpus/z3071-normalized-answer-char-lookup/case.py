import os
import re
import string
import random
from pathlib import Path

import torch
import torch.nn as nn
from transformers import BertConfig, BertModel, BertTokenizer

random.seed(31)
torch.manual_seed(31)
WORKDIR = Path(__file__).resolve().parent

RAW = """\
Who painted the ceiling of the chapel?\tThe ceiling of the chapel was painted by Michelangelo over four years.\tMichelangelo
Where is the tower located?\tThe tower is located in Pisa and it leans to the south.\tPisa
Who wrote the novel?\tThe novel was written by Tolstoy while living in the country.\tTolstoy
What did the team build?\tDuring the summer the team built a Bridge across the river.\ta Bridge
Where did the treaty get signed?\tThe treaty was signed in Vienna after long talks.\tVienna
Who discovered the element?\tThe element was discovered by Curie in her small lab.\tCurie
"""


def normalize_answer(s):
    s = s.lower()
    s = "".join(ch for ch in s if ch not in set(string.punctuation))
    s = re.sub(r"\b(a|an|the)\b", " ", s)
    return " ".join(s.split())


def write_vocab(path):
    words = set()
    for line in RAW.splitlines():
        for field in line.split("\t"):
            words.update(re.findall(r"\w+|[^\w\s]", field.lower()))
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + sorted(words)) + "\n")


def parse_records(text):
    records = []
    for i, line in enumerate(text.strip().splitlines()):
        question, context, answer = line.split("\t")
        records.append({"id": i, "question": question, "context": context,
                        "answer": normalize_answer(answer)})
    return records


def to_features(tok, records, max_len=40):
    feats = []
    for r in records:
        char_s = r["context"].index(r["answer"])
        char_e = char_s + len(r["answer"])
        enc = tok(r["question"], r["context"], truncation="only_second", max_length=max_len,
                  padding="max_length", return_offsets_mapping=True)
        sid = enc.sequence_ids()
        tok_s = next(i for i, (o, sq) in enumerate(zip(enc["offset_mapping"], sid)) if sq == 1 and o[0] <= char_s < o[1])
        tok_e = next(i for i, (o, sq) in enumerate(zip(enc["offset_mapping"], sid)) if sq == 1 and o[0] < char_e <= o[1])
        feats.append({"input_ids": enc["input_ids"], "token_type_ids": enc["token_type_ids"],
                      "attention_mask": enc["attention_mask"], "offsets": enc["offset_mapping"],
                      "seq_ids": sid, "start": tok_s, "end": tok_e, "rid": r["id"]})
    return feats


def batches(feats, size):
    order = list(range(len(feats)))
    random.shuffle(order)
    for k in range(0, len(order), size):
        chunk = [feats[i] for i in order[k:k + size]]
        yield {key: torch.tensor([f[key] for f in chunk])
               for key in ("input_ids", "token_type_ids", "attention_mask", "start", "end")}, chunk


class SpanScorer(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.bert = BertModel(cfg, add_pooling_layer=False)
        self.qa = nn.Linear(cfg.hidden_size, 2)

    def forward(self, input_ids, token_type_ids, attention_mask):
        h = self.bert(input_ids=input_ids, token_type_ids=token_type_ids,
                      attention_mask=attention_mask).last_hidden_state
        s, e = self.qa(h).split(1, dim=-1)
        neg = (attention_mask == 0)
        return s.squeeze(-1).masked_fill(neg, -1e4), e.squeeze(-1).masked_fill(neg, -1e4)


def main():
    vocab_path = WORKDIR / "squadish_vocab.txt"
    write_vocab(vocab_path)
    tok = BertTokenizer(str(vocab_path))
    records = parse_records(RAW)
    feats = to_features(tok, records)

    cfg = BertConfig(vocab_size=len(tok), hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                     intermediate_size=64, max_position_embeddings=64)
    model = SpanScorer(cfg)
    opt = torch.optim.AdamW(model.parameters(), lr=1e-3)
    xent = nn.CrossEntropyLoss()
    for epoch in range(4):
        for batch, _ in batches(feats, 3):
            s, e = model(batch["input_ids"], batch["token_type_ids"], batch["attention_mask"])
            loss = xent(s, batch["start"]) + xent(e, batch["end"])
            opt.zero_grad()
            loss.backward()
            opt.step()
        print(f"epoch {epoch} loss={loss.item():.3f}")

    model.eval()
    exact = 0
    with torch.no_grad():
        for batch, chunk in batches(feats, 3):
            s, e = model(batch["input_ids"], batch["token_type_ids"], batch["attention_mask"])
            for row, f in enumerate(chunk):
                ctx_pos = [i for i, sq in enumerate(f["seq_ids"]) if sq == 1]
                i = max(ctx_pos, key=lambda p: s[row, p].item())
                j = max((p for p in ctx_pos if i <= p < i + 4), key=lambda p: e[row, p].item())
                rec = records[f["rid"]]
                pred = rec["context"][f["offsets"][i][0]:f["offsets"][j][1]]
                exact += int(normalize_answer(pred) == normalize_answer(rec["answer"]))
                print(rec["question"], "->", pred)
    print(f"EM = {exact / len(feats):.2f}")


if __name__ == "__main__":
    main()
