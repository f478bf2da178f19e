"""Classify digitised herbarium sheet labels into plant family with a tiny BERT.

Labels vary a lot in length, so batches are drawn from length buckets to keep
the amount of wasted compute low.
"""
import itertools
import os
import random
import tempfile

import torch
from accelerate import Accelerator
from torch.utils.data import DataLoader, Sampler
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

random.seed(11)
torch.manual_seed(11)

FAMILIES = ["asteraceae", "poaceae", "rosaceae"]
BUCKET_WIDTH = 4
BATCH_SIZE = 3

SHEETS = [
    ("ray florets yellow disc brown roadside verge", "asteraceae"),
    ("achenes with pappus of white bristles dry meadow", "asteraceae"),
    ("capitula solitary on long peduncles limestone grassland near quarry", "asteraceae"),
    ("involucral bracts in two rows", "asteraceae"),
    ("spikelets two flowered awns bent wet pasture", "poaceae"),
    ("ligule membranous culms hollow", "poaceae"),
    ("panicle open nodding sandy dune slack behind beach", "poaceae"),
    ("leaf blades rolled glaucous coastal shingle", "poaceae"),
    ("petals five white hypanthium cup shaped hedgerow", "rosaceae"),
    ("stipules leafy prickles hooked woodland edge", "rosaceae"),
    ("fruit a red hip sepals persistent old railway embankment scrub", "rosaceae"),
    ("stamens numerous", "rosaceae"),
]


def read_records(rows):
    for text, family in rows:
        yield text.lower(), FAMILIES.index(family)


def tokenize_stream(records, tokenizer):
    for text, family_id in records:
        ids = tokenizer.convert_tokens_to_ids(tokenizer.tokenize(text))
        ids = [tokenizer.cls_token_id] + ids + [tokenizer.sep_token_id]
        yield {
            "input_ids": torch.tensor(ids),
            "attention_mask": torch.ones(len(ids), dtype=torch.long),
            "labels": torch.tensor(family_id),
        }


class BucketBatchSampler(Sampler):
    """Groups indices of similar length so each batch comes from one bucket."""

    def __init__(self, lengths, bucket_width, batch_size, shuffle=True):
        self.lengths = lengths
        self.bucket_width = bucket_width
        self.batch_size = batch_size
        self.shuffle = shuffle

    def _buckets(self):
        order = sorted(range(len(self.lengths)), key=lambda i: self.lengths[i])
        for _, members in itertools.groupby(order, key=lambda i: self.lengths[i] // self.bucket_width):
            yield list(members)

    def _batches(self):
        for bucket in self._buckets():
            if self.shuffle:
                random.shuffle(bucket)
            it = iter(bucket)
            while chunk := list(itertools.islice(it, self.batch_size)):
                yield chunk

    def __iter__(self):
        batches = list(self._batches())
        if self.shuffle:
            random.shuffle(batches)
        yield from batches

    def __len__(self):
        return sum(1 for _ in self._batches())


def build_tokenizer(folder):
    words = sorted({w for text, _ in SHEETS for w in text.lower().split()})
    vocab_path = os.path.join(folder, "vocab.txt")
    with open(vocab_path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return BertTokenizer(vocab_path)


def main():
    accelerator = Accelerator(cpu=True)
    tokenizer = build_tokenizer(tempfile.mkdtemp(prefix="herbarium_"))

    examples = list(tokenize_stream(read_records(SHEETS), tokenizer))
    lengths = [len(ex["input_ids"]) for ex in examples]
    accelerator.print(f"{len(examples)} sheets, token lengths {min(lengths)}..{max(lengths)}")

    sampler = BucketBatchSampler(lengths, BUCKET_WIDTH, BATCH_SIZE)
    loader = DataLoader(examples, batch_sampler=sampler)

    cfg = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=1,
                     num_attention_heads=2, intermediate_size=64, max_position_embeddings=64,
                     num_labels=len(FAMILIES))
    model = BertForSequenceClassification(cfg)
    optim = torch.optim.AdamW(model.parameters(), lr=3e-4)
    model, optim, loader = accelerator.prepare(model, optim, loader)

    model.train()
    for epoch in range(2):
        running = 0.0
        for step, batch in enumerate(loader):
            out = model(**batch)
            accelerator.backward(out.loss)
            optim.step()
            optim.zero_grad()
            running += out.loss.item()
        accelerator.print(f"epoch {epoch}: mean loss {running / (step + 1):.4f}")


if __name__ == "__main__":
    main()
