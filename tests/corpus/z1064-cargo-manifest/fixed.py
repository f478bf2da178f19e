"""Stream cargo manifest lines into a tiny BERT hazard classifier.

Manifest lines come in from several port feeds; we bucket by length so
padding stays small, and train with a generator-style loop so the step
logger can sit outside the optimisation code.
"""
import itertools
import os
import tempfile

import torch
from torch.utils.data import IterableDataset
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

torch.manual_seed(7)

ROTTERDAM = [
    ("pallets of ceramic tiles", 0),
    ("lithium batteries in drums", 1),
    ("frozen fish cartons", 0),
    ("paint thinner drums flammable", 1),
    ("cotton bales", 0),
    ("compressed gas cylinders", 1),
]
SINGAPORE = [
    ("machine spare parts crated for transshipment via busan with customs seal intact and "
     "fumigation certificate attached to the bill of lading", 0),
    ("sodium hydroxide solution corrosive in ibc totes stowed away from foodstuffs", 1),
    ("rubber sheets", 0),
    ("fireworks consumer grade explosive class", 1),
]
FEEDS = [ROTTERDAM, SINGAPORE]

WORDS = sorted({w for feed in FEEDS for text, _ in feed for w in text.split()})


def build_tokenizer():
    vocab_dir = tempfile.mkdtemp(prefix="manifest_vocab_")
    path = os.path.join(vocab_dir, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + WORDS) + "\n")
    return BertTokenizer(path)


def peek(iterable, n):
    """Pull the first n items off a stream without losing them."""
    it = iter(iterable)
    head = list(itertools.islice(it, n))
    return head, itertools.chain(head, it)


class ManifestStream(IterableDataset):
    def __init__(self, feeds, tokenizer, max_len):
        self.feeds = feeds
        self.tok = tokenizer
        self.max_len = max_len

    def __iter__(self):
        lines = itertools.chain.from_iterable(self.feeds)
        lines = filter(lambda rec: rec[0].strip(), lines)
        for text, hazard in lines:
            ids = self.tok(text, truncation=True, max_length=self.max_len)["input_ids"]
            yield {"ids": ids, "hazard": hazard}


def length_buckets(stream, batch_size, window=8):
    """Sort a sliding window by length, then cut it into batches."""
    it = iter(stream)
    while True:
        chunk = list(itertools.islice(it, window))
        if not chunk:
            return
        chunk.sort(key=lambda ex: len(ex["ids"]))
        for _, grp in itertools.groupby(enumerate(chunk), key=lambda p: p[0] // batch_size):
            yield [ex for _, ex in grp]


def pad_batch(examples, pad_id):
    width = max(len(ex["ids"]) for ex in examples)
    ids = torch.full((len(examples), width), pad_id, dtype=torch.long)
    att = torch.zeros((len(examples), width), dtype=torch.long)
    for row, ex in enumerate(examples):
        ids[row, : len(ex["ids"])] = torch.tensor(ex["ids"])
        att[row, : len(ex["ids"])] = 1
    return {"input_ids": ids, "attention_mask": att,
            "labels": torch.tensor([ex["hazard"] for ex in examples])}


def train_steps(model, batches, optim):
    model.train()
    for step, batch in enumerate(batches):
        out = model(**batch)
        out.loss.backward()
        optim.step()
        optim.zero_grad()
        yield step, out.loss.item()


def main():
    tok = build_tokenizer()
    # fixed position budget; every line is truncated to it when tokenized
    pos_slots = 16
    stream = ManifestStream(FEEDS, tok, max_len=pos_slots)

    head, records = peek(stream, 4)
    head_max = max(len(ex["ids"]) for ex in head)
    print(f"first chunk longest={head_max}, max_position_embeddings={pos_slots}")

    config = BertConfig(vocab_size=tok.vocab_size, hidden_size=32, num_hidden_layers=1,
                        num_attention_heads=2, intermediate_size=64,
                        max_position_embeddings=pos_slots, num_labels=2)
    model = BertForSequenceClassification(config)
    optim = torch.optim.AdamW(model.parameters(), lr=3e-4)

    batches = (pad_batch(b, tok.pad_token_id) for b in length_buckets(records, batch_size=2))
    for step, loss in train_steps(model, batches, optim):
        print(f"step {step:02d} loss {loss:.4f}")
    print("done")


if __name__ == "__main__":
    main()
