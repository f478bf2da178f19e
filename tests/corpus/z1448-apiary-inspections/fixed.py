"""Colony-status classifier for hive inspection notes.

Small in-house training loop: a Trainer that fires named events at a list of
callbacks, so batch prep (tokenising, padding, masks, logging) stays pluggable.
"""
import logging
import random

import torch
import torch.nn as nn

logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
log = logging.getLogger("hive")

random.seed(7)
torch.manual_seed(7)

NOTES = [
    ("eggs and young larvae seen queen spotted on frame four", "queenright"),
    ("capped brood pattern solid calm bees marked queen present", "queenright"),
    ("no eggs no queen roaring sound emergency cells started", "queenless"),
    ("laying workers multiple eggs per cell no queen found", "queenless"),
    ("queen cups charged on bottom bars hive crowded", "swarming"),
    ("swarm cells capped half the bees gone from box", "swarming"),
    ("fresh eggs queen seen nectar coming in", "queenright"),
    ("bees agitated no brood at all for two weeks", "queenless"),
]
STATUS = {"queenright": 0, "queenless": 1, "swarming": 2}
PAD, UNK = 0, 1


def build_vocab(rows):
    vocab = {"<pad>": PAD, "<unk>": UNK}
    for text, _ in rows:
        for w in text.split():
            vocab.setdefault(w, len(vocab))
    return vocab


class TokenizeCallback:
    def __init__(self, vocab):
        self.vocab = vocab

    def on_batch(self, trainer, batch):
        seqs = [[self.vocab.get(w, UNK) for w in t.split()] for t in batch["text"]]
        longest = max(len(s) for s in seqs)
        batch["tokens"] = torch.tensor([s + [PAD] * (longest - len(s)) for s in seqs])
        batch["target"] = torch.tensor([STATUS[s] for s in batch["status"]])
        return batch


class PaddingMaskCallback:
    def on_batch(self, trainer, batch):
        batch["pad_mask"] = batch["tokens"].eq(PAD)
        return batch


class BucketPadCallback:
    """Pad every batch up to a multiple of `bucket` so shapes stay stable."""

    def __init__(self, bucket=16):
        self.bucket = bucket

    def on_batch(self, trainer, batch):
        toks = batch["tokens"]
        extra = (-toks.size(1)) % self.bucket
        batch["tokens"] = nn.functional.pad(toks, (0, extra), value=PAD)
        return batch


class LossLogger:
    def on_epoch_start(self, trainer):
        self.seen = []

    def on_eval(self, trainer, acc):
        mean = sum(self.seen) / max(len(self.seen), 1)
        log.info("epoch %d  loss %.4f  acc %.2f", trainer.epoch, mean, acc)


class HiveEncoder(nn.Module):
    def __init__(self, vocab_size, dim=32, n_classes=3):
        super().__init__()
        self.emb = nn.Embedding(vocab_size, dim, padding_idx=PAD)
        layer = nn.TransformerEncoderLayer(dim, nhead=2, dim_feedforward=64, batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, num_layers=1, enable_nested_tensor=False)
        self.head = nn.Linear(dim, n_classes)

    def forward(self, tokens, pad_mask):
        h = self.encoder(self.emb(tokens), src_key_padding_mask=pad_mask)
        keep = (~pad_mask).unsqueeze(-1).float()
        pooled = (h * keep).sum(1) / keep.sum(1).clamp(min=1.0)
        return self.head(pooled)


class Trainer:
    def __init__(self, model, rows, callbacks, epochs=3, batch_size=4, lr=3e-3):
        self.model, self.rows, self.callbacks = model, rows, callbacks
        self.epochs, self.batch_size = epochs, batch_size
        self.opt = torch.optim.AdamW(model.parameters(), lr=lr)
        self.loss_fn = nn.CrossEntropyLoss()

    def fire(self, event, **kw):
        out = kw.get("batch")
        for cb in self.callbacks:
            hook = getattr(cb, event, None)
            if hook is None:
                continue
            if event == "on_batch":
                out = hook(self, out)
            else:
                hook(self, **kw)
        return out

    def batches(self, rows):
        for i in range(0, len(rows), self.batch_size):
            chunk = rows[i:i + self.batch_size]
            yield {"text": [t for t, _ in chunk], "status": [s for _, s in chunk]}

    def fit(self):
        for self.epoch in range(1, self.epochs + 1):
            self.fire("on_epoch_start")
            random.shuffle(self.rows)
            self.model.train()
            for raw in self.batches(self.rows):
                batch = self.fire("on_batch", batch=raw)
                logits = self.model(batch["tokens"], batch["pad_mask"])
                loss = self.loss_fn(logits, batch["target"])
                self.opt.zero_grad()
                loss.backward()
                self.opt.step()
                for cb in self.callbacks:
                    if isinstance(cb, LossLogger):
                        cb.seen.append(loss.item())
            self.fire("on_eval", acc=self.evaluate())

    @torch.no_grad()
    def evaluate(self):
        self.model.eval()
        hits = 0
        for raw in self.batches(self.rows):
            batch = self.fire("on_batch", batch=raw)
            pred = self.model(batch["tokens"], batch["pad_mask"]).argmax(-1)
            hits += (pred == batch["target"]).sum().item()
        return hits / len(self.rows)


if __name__ == "__main__":
    vocab = build_vocab(NOTES)
    log.info("vocab size %d, %d inspection notes", len(vocab), len(NOTES))
    callbacks = [
        TokenizeCallback(vocab),
        BucketPadCallback(bucket=16),
        PaddingMaskCallback(),
        LossLogger(),
    ]
    model = HiveEncoder(len(vocab))
    Trainer(model, list(NOTES), callbacks).fit()
    log.info("done")
