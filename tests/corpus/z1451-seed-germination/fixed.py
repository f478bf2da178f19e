"""Germination-trial outcome classifier (seed bank, tray observation notes).

Bag-of-words EmbeddingBag model; training driven by a small event/callback loop.
The head is built lazily once the first batch tells us the label space.
"""
import time

import torch
import torch.nn as nn

torch.manual_seed(21)

TRAYS = [
    ("radicle visible day four cotyledons open", "germinated"),
    ("seed coat intact firm no swelling", "dormant"),
    ("seedlings collapsed at soil line stems pinched", "damped_off"),
    ("white fuzz over seeds smell of rot", "mould"),
    ("hypocotyl emerging even across tray", "germinated"),
    ("hard seed unchanged after cold stratification", "dormant"),
    ("empty cell no seed found at count", "no_show"),
    ("grey mycelium spreading between cells", "mould"),
    ("thin stems toppled water soaked base", "damped_off"),
    ("cell empty seed washed out in watering", "no_show"),
]


class Vocab:
    def __init__(self, texts):
        self.stoi = {"<unk>": 0}
        for t in texts:
            for w in t.split():
                self.stoi.setdefault(w, len(self.stoi))

    def encode(self, text):
        return [self.stoi.get(w, 0) for w in text.split()]


class BagOfWords:
    def __init__(self, vocab):
        self.vocab = vocab

    def on_batch(self, trainer, batch):
        pieces = [torch.tensor(self.vocab.encode(t)) for t in batch["notes"]]
        batch["offsets"] = torch.tensor([0] + [len(p) for p in pieces[:-1]]).cumsum(0)
        batch["flat"] = torch.cat(pieces)


class OutcomeEncoder:
    """Maps outcome strings to class ids and tells the trainer how many there are."""

    def __init__(self):
        self.index = {}

    def on_epoch_start(self, trainer):
        for _, name in trainer.rows:
            self.index.setdefault(name, len(self.index))
        trainer.n_outcomes = len(self.index)

    def on_batch(self, trainer, batch):
        for name in batch["outcomes"]:
            self.index.setdefault(name, len(self.index))
        batch["y"] = torch.tensor([self.index[n] for n in batch["outcomes"]])
        trainer.n_outcomes = len(self.index)


class ToDevice:
    def __init__(self, device="cpu"):
        self.device = torch.device(device)

    def on_batch(self, trainer, batch):
        for k, v in batch.items():
            if torch.is_tensor(v):
                batch[k] = v.to(self.device)


class Timer:
    def on_epoch_start(self, trainer):
        self.t0 = time.perf_counter()

    def on_eval(self, trainer, loss):
        print(f"[epoch {trainer.epoch}] eval loss {loss:.4f} ({time.perf_counter() - self.t0:.2f}s)")


class TrayNet(nn.Module):
    def __init__(self, vocab_size, n_out, dim=24):
        super().__init__()
        self.bag = nn.EmbeddingBag(vocab_size, dim, mode="mean")
        self.out = nn.Sequential(nn.ReLU(), nn.Linear(dim, n_out))

    def forward(self, flat, offsets):
        return self.out(self.bag(flat, offsets))


class LoopRunner:
    def __init__(self, rows, vocab_size, callbacks, epochs=3, batch_size=4):
        self.rows, self.vocab_size, self.callbacks = rows, vocab_size, callbacks
        self.epochs, self.batch_size = epochs, batch_size
        self.n_outcomes = None
        self.model = self.optimizer = None

    def _event(self, name, *args):
        for cb in self.callbacks:
            if hasattr(cb, name):
                getattr(cb, name)(self, *args)

    def _batches(self):
        for i in range(0, len(self.rows), self.batch_size):
            part = self.rows[i:i + self.batch_size]
            yield {"notes": [n for n, _ in part], "outcomes": [o for _, o in part]}

    def _ensure_model(self):
        if self.model is None:
            print(f"building TrayNet with {self.n_outcomes} outputs")
            self.model = TrayNet(self.vocab_size, self.n_outcomes)
            self.optimizer = torch.optim.SGD(self.model.parameters(), lr=0.5)

    def run(self):
        crit = nn.CrossEntropyLoss()
        for self.epoch in range(self.epochs):
            self._event("on_epoch_start")
            for batch in self._batches():
                self._event("on_batch", batch)
                self._ensure_model()
                loss = crit(self.model(batch["flat"], batch["offsets"]), batch["y"])
                self.optimizer.zero_grad()
                loss.backward()
                self.optimizer.step()
            with torch.no_grad():
                total = 0.0
                for batch in self._batches():
                    self._event("on_batch", batch)
                    total += crit(self.model(batch["flat"], batch["offsets"]), batch["y"]).item()
            self._event("on_eval", total)


if __name__ == "__main__":
    vocab = Vocab(n for n, _ in TRAYS)
    print(f"{len(TRAYS)} trays, {len(vocab.stoi)} words")
    runner = LoopRunner(TRAYS, len(vocab.stoi),
                        [BagOfWords(vocab), OutcomeEncoder(), ToDevice("cpu"), Timer()])
    runner.run()
