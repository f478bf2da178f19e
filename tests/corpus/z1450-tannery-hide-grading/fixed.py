# Hide grading for the tannery QC desk: inspector's free-text note + a few gauge
# readings -> grade (A / B / C / reject). Tiny BERT encoder + linear head, trained
# with our own little callback-driven loop.
import os
import tempfile
from functools import partial

import torch
import torch.nn as nn
from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel, BertTokenizer

torch.manual_seed(3)

HIDES = [
    {"note": "full grain clean surface even dye uptake", "thickness": 1.4, "moisture": 12.0, "defects": 0, "area": 4.8, "grade": 0},
    {"note": "minor brand scar near shoulder otherwise clean", "thickness": 1.3, "moisture": 13.5, "defects": 1, "area": 4.5, "grade": 1},
    {"note": "tick bites across belly uneven thickness", "thickness": 1.1, "moisture": 15.0, "defects": 4, "area": 4.1, "grade": 2},
    {"note": "grain cracked and flay cuts through hide", "thickness": 0.9, "moisture": 18.2, "defects": 9, "area": 3.2, "grade": 3},
    {"note": "clean butt area slight wrinkle at neck", "thickness": 1.5, "moisture": 11.8, "defects": 1, "area": 5.0, "grade": 0},
    {"note": "open scratches and vein marks on flank", "thickness": 1.2, "moisture": 14.1, "defects": 3, "area": 4.3, "grade": 2},
    {"note": "putrefaction spots hair slip reject", "thickness": 1.0, "moisture": 19.5, "defects": 7, "area": 3.9, "grade": 3},
    {"note": "light growth marks good tight grain", "thickness": 1.4, "moisture": 12.6, "defects": 2, "area": 4.7, "grade": 1},
]
GRADES = ["A", "B", "C", "reject"]


def make_tokenizer(rows):
    words = sorted({w for r in rows for w in r["note"].split()})
    path = os.path.join(tempfile.mkdtemp(), "vocab.txt")
    with open(path, "w") as f:
        f.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words))
    return BertTokenizer(path)


class TokenizeNotes:
    def __init__(self, tokenizer, max_len=24):
        self.tokenizer, self.max_len = tokenizer, max_len

    def on_batch(self, trainer, batch):
        enc = self.tokenizer(batch["note"], padding=True, truncation=True,
                             max_length=self.max_len, return_tensors="pt")
        batch.update(enc)


class GaugeFeatures:
    """Standardised gauge readings appended to the pooled text vector."""

    def __init__(self, columns=("thickness", "moisture", "defects", "area")):
        self.columns = columns
        self.mean = self.std = None

    def on_epoch_start(self, trainer):
        if self.mean is None:
            table = torch.tensor([[r[c] for c in self.columns] for r in trainer.rows], dtype=torch.float)
            self.mean, self.std = table.mean(0), table.std(0) + 1e-6
            print(f"gauge stats over {len(table)} hides: mean={self.mean.tolist()}")

    def on_batch(self, trainer, batch):
        raw = torch.tensor([[float(v) for v in col] for col in zip(*(batch[c] for c in self.columns))])
        batch["gauges"] = (raw - self.mean) / self.std


class EpochReport:
    def on_epoch_start(self, trainer):
        self.losses = []

    def on_batch(self, trainer, batch):
        pass

    def on_eval(self, trainer, accuracy):
        avg = sum(self.losses) / len(self.losses) if self.losses else float("nan")
        print(f"epoch {trainer.epoch}: train loss {avg:.3f}, accuracy {accuracy:.2f}")


def collate(rows, keys):
    return {k: [r[k] for r in rows] for k in keys}


class GradingTrainer:
    def __init__(self, encoder, rows, callbacks, num_classes, extra_dim=0, epochs=3, lr=1e-3):
        self.encoder, self.rows, self.callbacks = encoder, rows, callbacks
        self.head = nn.Linear(encoder.config.hidden_size + extra_dim, num_classes)
        params = list(encoder.parameters()) + list(self.head.parameters())
        self.optim = torch.optim.Adam(params, lr=lr)
        self.epochs = epochs
        self.loader = DataLoader(rows, batch_size=4, shuffle=True,
                                 collate_fn=partial(collate, keys=list(rows[0])))

    def dispatch(self, name, **kwargs):
        for cb in self.callbacks:
            handler = getattr(cb, name, None)
            if callable(handler):
                handler(self, **kwargs)

    def forward(self, batch):
        pooled = self.encoder(input_ids=batch["input_ids"],
                              attention_mask=batch["attention_mask"]).pooler_output
        if "gauges" in batch:
            pooled = torch.cat([pooled, batch["gauges"]], dim=-1)
        return self.head(pooled)

    def fit(self):
        for self.epoch in range(1, self.epochs + 1):
            self.dispatch("on_epoch_start")
            self.encoder.train()
            for batch in self.loader:
                self.dispatch("on_batch", batch=batch)
                target = torch.tensor(batch["grade"])
                loss = nn.functional.cross_entropy(self.forward(batch), target)
                self.optim.zero_grad()
                loss.backward()
                self.optim.step()
                for cb in self.callbacks:
                    if hasattr(cb, "losses"):
                        cb.losses.append(loss.item())
            self.dispatch("on_eval", accuracy=self.score())

    @torch.no_grad()
    def score(self):
        self.encoder.eval()
        hit = total = 0
        for batch in self.loader:
            self.dispatch("on_batch", batch=batch)
            hit += (self.forward(batch).argmax(-1) == torch.tensor(batch["grade"])).sum().item()
            total += len(batch["grade"])
        return hit / total


if __name__ == "__main__":
    tok = make_tokenizer(HIDES)
    cfg = BertConfig(vocab_size=tok.vocab_size, hidden_size=32, num_hidden_layers=1,
                     num_attention_heads=2, intermediate_size=64, max_position_embeddings=32)
    gauges = GaugeFeatures()
    callbacks = [TokenizeNotes(tok), gauges, EpochReport()]
    trainer = GradingTrainer(BertModel(cfg), HIDES, callbacks, num_classes=len(GRADES),
                             extra_dim=len(gauges.columns))
    trainer.fit()
    print("grades:", ", ".join(GRADES))
