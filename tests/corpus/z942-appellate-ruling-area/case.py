"""Tag appellate rulings with their legal area; the decision year is fed in as a learned embedding."""
import asyncio
import os
import tempfile
from dataclasses import dataclass
from functools import partial

import lightning as L
import torch
import torch.nn as nn
from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel, BertTokenizer

L.seed_everything(11, verbose=False)

AREAS = ["maritime", "tax", "family", "land"]
RULINGS = [
    ("the vessel owner is liable for cargo lost during the salvage", 1996, "maritime"),
    ("the assessment of capital gains on the inherited farm is upheld", 2003, "tax"),
    ("custody is awarded to the mother with weekend access for the father", 2011, "family"),
    ("the boundary fence encroaches on the neighbouring parcel", 1999, "land"),
    ("the charter party excludes delay caused by port strikes", 2018, "maritime"),
    ("input credits on the export invoices are disallowed", 2020, "tax"),
    ("maintenance payments are reduced after the change in income", 2007, "family"),
    ("the easement over the access road survives the sale", 2014, "land"),
]


@dataclass(frozen=True)
class YearSpan:
    first: int
    last: int

    @property
    def size(self):
        return self.last - self.first + 1


def make_tokenizer(texts):
    words = sorted({w for t in texts for w in t.split()})
    path = os.path.join(tempfile.mkdtemp(), "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return BertTokenizer(path)


class RulingTagger(L.LightningModule):
    def __init__(self, vocab_size, span: YearSpan, n_areas):
        super().__init__()
        cfg = BertConfig(vocab_size=vocab_size, hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                         intermediate_size=64, max_position_embeddings=64)
        self.bert = BertModel(cfg)
        self.year_emb = nn.Embedding(span.size, cfg.hidden_size)
        self.classifier = nn.Linear(cfg.hidden_size, n_areas)
        self.loss_fn = nn.CrossEntropyLoss()

    def forward(self, enc, decided):
        cls = self.bert(**enc).last_hidden_state[:, 0]
        return self.classifier(cls + self.year_emb(decided))

    def training_step(self, batch, batch_idx):
        logits = self(batch["enc"], batch["decided"])
        loss = self.loss_fn(logits, batch["area"])
        self.log("train_loss", loss)
        return loss

    def configure_optimizers(self):
        return torch.optim.AdamW(self.parameters(), lr=3e-4)


def collate(rows, tokenizer):
    enc = tokenizer([r[0] for r in rows], padding=True, return_tensors="pt")
    return {
        "enc": dict(enc),
        "decided": torch.tensor([r[1] for r in rows]),
        "area": torch.tensor([AREAS.index(r[2]) for r in rows]),
    }


async def fetch_rulings():
    await asyncio.sleep(0)  # the registry API in production
    return list(RULINGS)


async def produce(queue, make_batch, batch_size=4):
    rows = await fetch_rulings()
    for i in range(0, len(rows), batch_size):
        await queue.put(make_batch(rows[i:i + batch_size]))
    await queue.put(None)


async def drain(queue):
    out = []
    while (batch := await queue.get()) is not None:
        out.append(batch)
    return out


def train(module, batches):
    trainer = L.Trainer(max_epochs=2, accelerator="cpu", logger=False, enable_checkpointing=False,
                        enable_progress_bar=False, enable_model_summary=False)
    trainer.fit(module, DataLoader(batches, batch_size=None))
    print("final loss", float(trainer.callback_metrics["train_loss"]))


async def main():
    tokenizer = make_tokenizer([r[0] for r in RULINGS])
    years = [r[1] for r in RULINGS]
    span = YearSpan(min(years), max(years))
    print(f"{len(RULINGS)} rulings decided {span.first}-{span.last}")
    queue = asyncio.Queue(maxsize=2)
    _, batches = await asyncio.gather(produce(queue, partial(collate, tokenizer=tokenizer)), drain(queue))
    train(RulingTagger(len(tokenizer), span, len(AREAS)), batches)


if __name__ == "__main__":
    asyncio.run(main())
