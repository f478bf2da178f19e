"""Urgency triage for messages left at a rural vet practice.

Voicemail transcripts and web-form messages are merged into one stream,
tokenized, framed with [CLS]/[SEP], buffered, and scored in small batches.
"""
import itertools
import os
import queue
import tempfile
import time
from typing import Iterator, List, NamedTuple

import torch
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

torch.manual_seed(42)

TOKENS = """[PAD] [UNK] [CLS] [SEP] [MASK] cow calving since this morning not progressing dog ate
chocolate vomiting horse lame front leg sheep down cannot stand cat not eating two days
booster vaccine due next week please call back bleeding heavily foal weak suckling
heifer bloated stomach urgent routine question about worming tablets goat""".split()

URGENCY = ["routine", "same-day", "emergency"]

VOICEMAIL = [
    "cow calving since this morning not progressing",
    "dog ate chocolate vomiting",
    "heifer bloated stomach urgent please call back",
]
WEB_FORM = [
    "booster vaccine due next week",
    "routine question about worming tablets",
    "horse lame front leg",
    "foal weak not suckling since this morning",
    "cat not eating two days",
]


class Message(NamedTuple):
    source: str
    text: str


class Framed(NamedTuple):
    source: str
    ids: List[int]
    keep: List[int]


class timer:
    def __init__(self, tag):
        self.tag = tag

    def __enter__(self):
        self.t0 = time.time()
        return self

    def __exit__(self, *a):
        print(f"-- {self.tag} took {time.time() - self.t0:.3f}s")
        return False


def load_tokenizer():
    tmp = tempfile.mkdtemp()
    vocab_file = os.path.join(tmp, "vocab.txt")
    with open(vocab_file, "w") as f:
        f.write("\n".join(TOKENS))
    return BertTokenizer(vocab_file)


def inbox(name, texts) -> Iterator[Message]:
    for t in texts:
        yield Message(name, t)


def tokenize(msgs: Iterator[Message], tok) -> Iterator[Framed]:
    for m in msgs:
        word_ids = tok.convert_tokens_to_ids(tok.tokenize(m.text))
        yield Framed(m.source, word_ids, [1] * len(word_ids))


def frame(items: Iterator[Framed], cls_id: int, sep_id: int) -> Iterator[Framed]:
    for it in items:
        yield it._replace(ids=[cls_id] + it.ids + [sep_id])


def right_pad(rows: List[List[int]], value: int) -> torch.Tensor:
    width = max(map(len, rows))
    return torch.tensor([r + [value] * (width - len(r)) for r in rows])


def collate(group: List[Framed], pad_id: int) -> dict:
    return {
        "input_ids": right_pad([g.ids for g in group], pad_id),
        "attention_mask": right_pad([g.keep for g in group], 0),
    }


def main():
    tok = load_tokenizer()
    cfg = BertConfig(vocab_size=len(TOKENS), hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                     intermediate_size=64, max_position_embeddings=64, num_labels=len(URGENCY))
    clf = BertForSequenceClassification(cfg)
    clf.eval()

    merged = itertools.chain(inbox("voicemail", VOICEMAIL), inbox("web", WEB_FORM))
    stream = frame(tokenize(merged, tok), tok.cls_token_id, tok.sep_token_id)

    # small bounded buffer between the intake side and the scorer
    buf: "queue.Queue[Framed]" = queue.Queue(maxsize=16)
    for item in stream:
        buf.put(item)
    print(f"buffered {buf.qsize()} messages")

    pending = iter(lambda: buf.get_nowait() if not buf.empty() else None, None)
    with timer("triage"):
        while True:
            group = list(itertools.islice(pending, 3))
            if not group:
                break
            enc = collate(group, tok.pad_token_id)
            with torch.no_grad():
                logits = clf(**enc).logits
            for g, row in zip(group, logits.softmax(-1)):
                print(f"[{g.source:<9}] {URGENCY[row.argmax().item()]:<9} {tok.decode(g.ids[1:-1])}")


if __name__ == "__main__":
    main()
