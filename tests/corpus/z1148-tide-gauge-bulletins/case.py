"""Surge-risk tagging for harbour tide-gauge bulletins.

Small BERT trained from scratch on the bulletin text; the experiment classes
follow the same template we use for the other coastal tasks.
"""
import os
import random
import tempfile

import torch
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

BULLETINS = [
    ("Gauge at North Pier reports water level rising steadily through the evening with onshore wind "
     "from the southwest at thirty knots and a spring tide peak expected near midnight while the "
     "barometer keeps falling and the harbour master has asked all small craft to double their "
     "moorings before the peak arrives and to keep clear of the inner basin gates until further "
     "notice from the port control office on channel twelve", 1),
    ("Level steady at the estuary gauge light westerly breeze neap tide no action needed", 0),
    ("South breakwater gauge shows a residual of forty centimetres above prediction and it is still "
     "climbing with long period swell arriving from the storm centre far offshore and the surge "
     "model suggests the residual will continue to grow through the next two high waters so the "
     "flood barrier crew are on standby and the promenade road will close at the first overtopping "
     "report from the wave camera at the lifeboat station slipway", 1),
    ("Ferry terminal gauge nominal, small negative residual, calm sea, routine reading only", 0),
    ("Marina gauge offline for calibration, backup float reading matches prediction within tolerance", 0),
    ("Outer harbour gauge climbing fast with gale force northerly wind against the ebb and heavy "
     "breaking seas across the bar the pilot boat has suspended boarding and the tug crews report "
     "green water over the east quay where the fish market trucks are parked so the quay is being "
     "cleared and the coastguard has issued an amber warning for the whole bay area tonight with "
     "another update expected after the next gauge reading at the top of the hour", 1),
]


class BaseExperiment:
    """Template: subclasses override the hooks, run() drives them."""

    MAX_LEN = 64
    POSITION_TABLE = 64
    HIDDEN = 32
    LR = 5e-4
    EPOCHS = 2

    def __init__(self, seed=13, **kwargs):
        super().__init__(**kwargs)
        self.seed = seed
        random.seed(seed)
        torch.manual_seed(seed)
        self.workdir = tempfile.mkdtemp(prefix="tidegauge_")
        self.tokenizer = self.build_tokenizer()
        self.model = self.build_model()

    # --- hooks -------------------------------------------------------------
    def corpus(self):
        raise NotImplementedError

    def build_tokenizer(self):
        words = sorted({w for text, _ in self.corpus() for w in text.lower().replace(",", " ").split()})
        path = os.path.join(self.workdir, "vocab.txt")
        with open(path, "w") as fh:
            fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words))
        return BertTokenizer(path)

    def build_model(self):
        cfg = BertConfig(
            vocab_size=self.tokenizer.vocab_size,
            hidden_size=self.HIDDEN,
            num_hidden_layers=1,
            num_attention_heads=2,
            intermediate_size=self.HIDDEN * 2,
            max_position_embeddings=self.POSITION_TABLE,
            num_labels=2,
        )
        return BertForSequenceClassification(cfg)

    def encode(self, texts):
        return self.tokenizer(texts, padding="longest", truncation=True,
                              max_length=self.MAX_LEN, return_tensors="pt")

    def make_batches(self, batch_size):
        rows = list(self.corpus())
        random.shuffle(rows)
        for start in range(0, len(rows), batch_size):
            chunk = rows[start:start + batch_size]
            batch = dict(self.encode([t for t, _ in chunk]))
            batch["labels"] = torch.tensor([y for _, y in chunk])
            yield batch

    def compute_loss(self, batch):
        return self.model(**batch).loss

    def run(self, batch_size=3):
        opt = torch.optim.AdamW(self.model.parameters(), lr=self.LR)
        self.model.train()
        for epoch in range(self.EPOCHS):
            total = 0.0
            for step, batch in enumerate(self.make_batches(batch_size)):
                loss = self.compute_loss(batch)
                loss.backward()
                opt.step()
                opt.zero_grad()
                total += loss.item()
                print(f"epoch {epoch} step {step} seq_len={batch['input_ids'].shape[1]} loss={loss.item():.4f}")
            print(f"epoch {epoch} mean loss {total / (step + 1):.4f}")


class LoggingMixin:
    def compute_loss(self, batch):
        loss = super().compute_loss(batch)
        if not torch.isfinite(loss):
            print("warning: non-finite loss on batch", {k: tuple(v.shape) for k, v in batch.items()})
        return loss


class BulletinExperiment(LoggingMixin, BaseExperiment):
    # full bulletins run well past the usual 64 tokens; don't cut the warnings off
    MAX_LEN = 128
    EPOCHS = 3

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        print(f"tokenizer vocab={self.tokenizer.vocab_size} max_len={self.MAX_LEN}")

    def corpus(self):
        return BULLETINS


if __name__ == "__main__":
    exp = BulletinExperiment(seed=7)
    exp.run(batch_size=3)
    print("done")
