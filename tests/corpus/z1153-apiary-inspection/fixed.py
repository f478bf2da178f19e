"""Classify beehive inspection notes (queen status) with a tiny BERT, trained through Accelerate."""
import logging
import os
import tempfile
from dataclasses import dataclass

import torch
from accelerate import Accelerator
from accelerate.utils import set_seed
from torch.utils.data import DataLoader
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

logging.basicConfig(level=logging.INFO, format="%(levelname)s %(message)s")
log = logging.getLogger("apiary")

HIVE_NOTES = [
    ("eggs in every frame and queen seen on brood comb", 0),
    ("capped queen cells along bottom bars colony preparing swarm", 1),
    ("no eggs no larvae bees roaring laying workers suspected", 2),
    ("fresh eggs standing upright marked queen spotted", 0),
    ("several supersedure cells on face of comb", 1),
    ("drone brood in worker cells scattered pattern", 2),
    ("tight brood pattern and calm bees queen present", 0),
    ("swarm cells capped and old queen gone", 1),
]


@dataclass
class Encoded:
    ids: list
    tag: int


class PaddingMixin:
    PAD_ID = 0
    MAX_LEN = 64

    def pad_ids(self, seqs):
        return torch.tensor([s + [self.PAD_ID] * (self.MAX_LEN - len(s)) for s in seqs])

    def attention_from_lengths(self, lengths, width=None):
        width = self.MAX_LEN if width is None else width
        positions = torch.arange(width).unsqueeze(0)
        return (positions < torch.tensor(lengths).unsqueeze(1)).long()


class BaseExperiment(PaddingMixin):
    NUM_LABELS = 3
    LR = 3e-4
    BATCH = 4

    def __init__(self, workdir=None, **kwargs):
        super().__init__(**kwargs)
        self.workdir = workdir or tempfile.mkdtemp(prefix="hive_")
        self.tokenizer = self.build_tokenizer()
        self.model = self.build_model()

    def build_tokenizer(self):
        vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
        vocab += sorted({w for note, _ in HIVE_NOTES for w in note.split()})
        vocab_path = os.path.join(self.workdir, "vocab.txt")
        with open(vocab_path, "w") as fh:
            fh.write("\n".join(vocab) + "\n")
        return BertTokenizer(vocab_path)

    def build_model(self):
        config = BertConfig(vocab_size=self.tokenizer.vocab_size, hidden_size=32, num_hidden_layers=1,
                            num_attention_heads=2, intermediate_size=64, max_position_embeddings=128,
                            num_labels=self.NUM_LABELS)
        return BertForSequenceClassification(config)

    def encode(self, text, tag):
        ids = self.tokenizer.encode(text, truncation=True, max_length=self.MAX_LEN)
        return Encoded(ids=ids, tag=tag)

    def make_batch(self, items):
        lengths = [len(it.ids) for it in items]
        return {
            "input_ids": self.pad_ids([it.ids for it in items]),
            "attention_mask": self.attention_from_lengths(lengths),
            "labels": torch.tensor([it.tag for it in items]),
        }

    def compute_loss(self, batch):
        return self.model(**batch).loss

    def fit(self, epochs=2):
        accelerator = Accelerator(cpu=True)
        loader = DataLoader([self.encode(t, y) for t, y in HIVE_NOTES], batch_size=self.BATCH,
                            shuffle=True, collate_fn=self.make_batch)
        optim = torch.optim.AdamW(self.model.parameters(), lr=self.LR)
        self.model, optim, loader = accelerator.prepare(self.model, optim, loader)
        self.model.train()
        for epoch in range(epochs):
            running = 0.0
            for step, batch in enumerate(loader):
                loss = self.compute_loss(batch)
                accelerator.backward(loss)
                optim.step()
                optim.zero_grad()
                running += loss.item()
            log.info("epoch %d mean loss %.4f", epoch, running / (step + 1))
        return running


class QueenStatusExperiment(BaseExperiment):
    # inspection notes are short; keep padded batches small
    MAX_LEN = 24
    BATCH = 2


if __name__ == "__main__":
    set_seed(7)
    exp = QueenStatusExperiment()
    log.info("vocab %d, pad width %d", exp.tokenizer.vocab_size, exp.MAX_LEN)
    exp.fit()
    log.info("done")
