"""Route beekeepers' hive inspection notes to an action queue.

A tiny BERT is trained from scratch on a handful of notes collected from the
apiary app; the point is to check the plumbing before we plug in the real
checkpoint.
"""
import logging
import os
import random
import tempfile

import torch
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

logging.basicConfig(level=logging.INFO, format="%(levelname)s %(message)s")
log = logging.getLogger("hive-triage")

random.seed(7)
torch.manual_seed(7)

NOTES = [
    ("queen not seen, no eggs, capped brood patchy", "requeen"),
    ("spotty brood and sunken cappings near frame four", "disease_check"),
    ("heavy varroa drop on sticky board after oxalic", "mite_treatment"),
    ("supers full, bees bearding at entrance", "add_super"),
    ("calm colony, good stores, laying queen seen", "routine"),
    ("queen cells on bottom bars, colony crowded", "add_super"),
    ("deformed wings on young bees, mites on drones", "mite_treatment"),
    ("ropey larvae smell sour", "disease_check"),
    ("eggs present, steady temperament, light stores", "routine"),
    ("drone laying pattern, multiple eggs per cell", "requeen"),
]


class ActionLabels:
    """Action queues known to the triage model; unknown tags go to the fallback."""

    __slots__ = ("_names", "fallback")

    def __init__(self, names, fallback="routine"):
        self._names = sorted(set(names) - {fallback})
        self.fallback = fallback

    @classmethod
    def from_records(cls, records, fallback="routine"):
        return cls((tag for _, tag in records), fallback=fallback)

    @property
    def n_classes(self):
        return len(self._names) + 1

    def __getitem__(self, name):
        # anything not in the explicit list lands in the fallback bucket at the end
        try:
            return self._names.index(name)
        except ValueError:
            return len(self._names)

    def __iter__(self):
        yield from self._names
        yield self.fallback

    def __len__(self):
        return len(self._names) + 1

    def __repr__(self):
        return f"ActionLabels({list(self)})"


class NoteVocab:
    __slots__ = ("words",)
    SPECIALS = ("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]")

    def __init__(self, words):
        self.words = list(self.SPECIALS) + sorted(set(words))

    @classmethod
    def from_texts(cls, texts):
        return cls(w for t in texts for w in cls.split(t))

    @staticmethod
    def split(text):
        return text.replace(",", " ").split()

    def __len__(self):
        return len(self.words)

    def dump(self, folder):
        path = os.path.join(folder, "vocab.txt")
        with open(path, "w") as fh:
            fh.write("\n".join(self.words) + "\n")
        return path


def batches(rows, size):
    order = list(range(len(rows)))
    random.shuffle(order)
    for start in range(0, len(order), size):
        yield [rows[i] for i in order[start:start + size]]


def main():
    actions = ActionLabels.from_records(NOTES)
    vocab = NoteVocab.from_texts(t for t, _ in NOTES)
    tokenizer = BertTokenizer(vocab.dump(tempfile.mkdtemp()))
    log.info("labels: %r, vocab: %d", actions, len(vocab))

    config = BertConfig(
        vocab_size=len(vocab),
        hidden_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=64,
        num_labels=actions.n_classes,
    )
    model = BertForSequenceClassification(config)
    optim = torch.optim.AdamW(model.parameters(), lr=3e-4)

    model.train()
    for epoch in range(3):
        running = 0.0
        for chunk in batches(NOTES, size=4):
            texts = [text for text, _ in chunk]
            enc = tokenizer(texts, padding=True, return_tensors="pt")
            targets = torch.tensor([actions[tag] for _, tag in chunk])
            out = model(**enc, labels=targets)
            out.loss.backward()
            optim.step()
            optim.zero_grad()
            running += out.loss.item()
        log.info("epoch %d loss %.4f", epoch, running)

    model.eval()
    with torch.no_grad():
        probe = tokenizer(["mites on drones and bearding"], return_tensors="pt")
        pred = model(**probe).logits.argmax(-1).item()
    log.info("probe routed to %s", list(actions)[pred])


if __name__ == "__main__":
    main()
