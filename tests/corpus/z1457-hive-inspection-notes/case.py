# Hive inspection notes -> colony status (healthy / queenless / varroa).
# Tiny BERT-ish encoder in plain torch, trained with our little hook-based trainer.
import random
from dataclasses import dataclass, field

import torch
import torch.nn as nn
import torch.nn.functional as F

random.seed(3)
torch.manual_seed(3)

NOTES = [
    ("capped brood in good pattern queen seen laying", 0),
    ("plenty of eggs calm bees good stores", 0),
    ("no eggs no young larvae bees roaring", 1),
    ("queen cells on frame edges no queen found", 1),
    ("mites on drone brood deformed wings seen", 2),
    ("high mite drop on sticky board", 2),
    ("brood solid and bees foraging pollen", 0),
    ("laying workers multiple eggs per cell", 1),
    ("varroa counted on sugar roll above threshold", 2),
    ("spotty brood and crawling bees with mites", 2),
]
VOCAB = {"[PAD]": 0, "[CLS]": 1}
for text, _ in NOTES:
    for w in text.split():
        VOCAB.setdefault(w, len(VOCAB))


def encode(text, max_len=12):
    ids = [VOCAB["[CLS]"]] + [VOCAB[w] for w in text.split()][: max_len - 1]
    return ids + [0] * (max_len - len(ids))


class TinyEncoder(nn.Module):
    def __init__(self, vocab, dim=32, classes=3, max_len=12):
        super().__init__()
        self.tok = nn.Embedding(vocab, dim, padding_idx=0)
        self.pos = nn.Embedding(max_len, dim)
        layer = nn.TransformerEncoderLayer(dim, nhead=2, dim_feedforward=64, batch_first=True)
        self.body = nn.TransformerEncoder(layer, num_layers=1, enable_nested_tensor=False)
        self.head = nn.Linear(dim, classes)

    def forward(self, ids):
        pos = torch.arange(ids.size(1)).unsqueeze(0)
        h = self.body(self.tok(ids) + self.pos(pos), src_key_padding_mask=ids.eq(0))
        return self.head(h[:, 0])


@dataclass
class State:
    epoch: int = 0
    iteration: int = 0
    val_history: list = field(default_factory=list)
    stop: bool = False


class IterationCounter:
    def on_batch(self, trainer, xb, yb):
        trainer.state.iteration += 1


class ValLossRecorder:
    def on_eval(self, trainer, val_loss):
        trainer.state.val_history.append(val_loss)


class EarlyStopping:
    """Stop when val loss hasn't improved on the value `patience` evals ago."""

    def __init__(self, patience=2, min_delta=1e-3):
        self.patience = patience
        self.min_delta = min_delta

    def on_eval(self, trainer, val_loss):
        st = trainer.state
        history = torch.tensor(st.val_history)
        if st.iteration >= self.patience:
            reference = history[st.iteration - self.patience]
            if val_loss > reference - self.min_delta:
                print(f"  early stop: {val_loss:.4f} vs {reference:.4f}")
                st.stop = True


class HookTrainer:
    def __init__(self, model, callbacks, lr=1e-3, max_epochs=6, batch_size=2):
        self.model, self.callbacks = model, callbacks
        self.opt = torch.optim.Adam(model.parameters(), lr=lr)
        self.max_epochs, self.batch_size = max_epochs, batch_size
        self.state = State()

    def dispatch(self, name, *args):
        for cb in self.callbacks:
            hook = getattr(cb, name, None)
            if hook is not None:
                hook(self, *args)

    def batches(self, rows):
        rows = rows[:]
        random.shuffle(rows)
        for i in range(0, len(rows), self.batch_size):
            chunk = rows[i:i + self.batch_size]
            yield (torch.tensor([encode(t) for t, _ in chunk]),
                   torch.tensor([y for _, y in chunk]))

    def fit(self, train_rows, val_rows):
        for epoch in range(self.max_epochs):
            self.state.epoch = epoch
            self.dispatch("on_epoch_start")
            self.model.train()
            for xb, yb in self.batches(train_rows):
                self.dispatch("on_batch", xb, yb)
                loss = F.cross_entropy(self.model(xb), yb)
                self.opt.zero_grad()
                loss.backward()
                self.opt.step()
            self.model.eval()
            with torch.no_grad():
                xs = torch.tensor([encode(t) for t, _ in val_rows])
                ys = torch.tensor([y for _, y in val_rows])
                val_loss = F.cross_entropy(self.model(xs), ys).item()
            print(f"epoch {epoch} val_loss={val_loss:.4f}")
            self.dispatch("on_eval", val_loss)
            if self.state.stop:
                break


model = TinyEncoder(len(VOCAB))
trainer = HookTrainer(model, [IterationCounter(), ValLossRecorder(), EarlyStopping(patience=2)])
trainer.fit(NOTES[:8], NOTES[8:])
print("finished at epoch", trainer.state.epoch)
