"""Hive inspection notes -> colony status, with accuracy-driven class reweighting.

A running (EMA) accuracy per status is kept during training; statuses the model
keeps getting wrong get a larger weight in the loss at the next epoch.
"""
import os
import tempfile
from types import SimpleNamespace

import lightning as L
import torch
import torch.nn.functional as F
from torch.utils.data import DataLoader
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

L.seed_everything(21, verbose=False)

STATUS = ["healthy", "queenless", "swarm_prep", "brood_disease"]
NOTES = [
    ("capped brood on six frames, queen seen, calm bees", 0),
    ("no eggs, no queen, roaring sound when opened", 1),
    ("queen cells along bottom bars, crowded boxes", 2),
    ("sunken perforated cappings, ropey larvae", 3),
    ("good laying pattern, stores building up", 0),
    ("laying workers, multiple eggs per cell", 1),
    ("charged queen cups, bees bearding at entrance", 2),
    ("spotty brood, discoloured larvae, sour smell", 3),
]


def write_vocab():
    words = sorted({w.strip(",") for t, _ in NOTES for w in t.split()} | {","})
    path = os.path.join(tempfile.mkdtemp(), "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words))
    return path


class Unpack:
    """Moves bookkeeping fields out of the batch before it reaches the model."""

    def on_batch_start(self, state, batch):
        state.rows = batch.pop("row")
        state.gold = batch.pop("status")
        return batch

    def on_forward(self, state, outputs):
        return outputs

    def on_epoch_end(self, state):
        pass


class HardExamples:
    def on_batch_start(self, state, batch):
        return batch

    def on_forward(self, state, outputs):
        nll = F.cross_entropy(outputs.logits.detach(), state.gold, reduction="none")
        for r, v in zip(state.rows.tolist(), nll.tolist()):
            state.per_note_loss[r] = v
        return outputs

    def on_epoch_end(self, state):
        worst = sorted(state.per_note_loss.items(), key=lambda kv: -kv[1])[:2]
        print(f"epoch {state.epoch}: hardest notes {worst}")


class StatusAccuracyEMA:
    def __init__(self, decay=0.8):
        self.decay = decay

    def on_batch_start(self, state, batch):
        if state.acc_ema is None:
            state.acc_ema = torch.full((state.n_status,), 1.0 / state.n_status)
        return batch

    def on_forward(self, state, outputs):
        correct = (outputs.logits.argmax(-1) == state.gold).float()
        hits = torch.zeros(state.n_status).index_add_(0, state.gold, correct)
        seen = torch.zeros(state.n_status).index_add_(0, state.gold, torch.ones_like(correct))
        upd = seen > 0
        state.acc_ema[upd] = self.decay * state.acc_ema[upd] + (1 - self.decay) * hits[upd] / seen[upd]
        return outputs

    def on_epoch_end(self, state):
        w = 1.5 - state.acc_ema
        state.class_weight = w * len(w) / w.sum()
        print(f"epoch {state.epoch}: status acc ema {state.acc_ema.tolist()}")


class Engine:
    def __init__(self, callbacks, n_status):
        self.callbacks = callbacks
        self.state = SimpleNamespace(epoch=0, n_status=n_status, acc_ema=None,
                                     class_weight=None, per_note_loss={})

    def batch_start(self, batch):
        for cb in self.callbacks:
            batch = cb.on_batch_start(self.state, batch)
        return batch

    def forward_done(self, outputs):
        for cb in self.callbacks:
            outputs = cb.on_forward(self.state, outputs)
        return outputs

    def epoch_end(self):
        for cb in self.callbacks:
            cb.on_epoch_end(self.state)
        self.state.epoch += 1


class HiveClassifier(L.LightningModule):
    def __init__(self, vocab_size, engine):
        super().__init__()
        cfg = BertConfig(vocab_size=vocab_size, hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                         intermediate_size=64, max_position_embeddings=64, num_labels=len(STATUS))
        self.bert = BertForSequenceClassification(cfg)
        self.engine = engine

    def training_step(self, batch, batch_idx):
        batch = self.engine.batch_start(batch)
        out = self.engine.forward_done(self.bert(**batch))
        return F.cross_entropy(out.logits, self.engine.state.gold, weight=self.engine.state.class_weight)

    def on_train_epoch_end(self):
        self.engine.epoch_end()

    def configure_optimizers(self):
        return torch.optim.AdamW(self.parameters(), lr=5e-4)


def main():
    tok = BertTokenizer(write_vocab())
    rows = [{"row": i, "text": t, "status": s} for i, (t, s) in enumerate(NOTES)]

    def collate(items):
        enc = tok([it["text"] for it in items], padding=True, return_tensors="pt")
        enc = dict(enc)
        enc["row"] = torch.tensor([it["row"] for it in items])
        enc["status"] = torch.tensor([it["status"] for it in items])
        return enc

    loader = DataLoader(rows, batch_size=6, shuffle=False, collate_fn=collate)
    engine = Engine([Unpack(), HardExamples(), StatusAccuracyEMA(decay=0.8)], n_status=len(STATUS))
    model = HiveClassifier(tok.vocab_size, engine)
    trainer = L.Trainer(max_epochs=2, accelerator="cpu", enable_progress_bar=False, logger=False,
                        enable_checkpointing=False, enable_model_summary=False)
    trainer.fit(model, loader)
    print("final class weights:", engine.state.class_weight)


if __name__ == "__main__":
    main()
