"""Classify weaving-room defect notes (loom operators' free text) into defect types.

3-fold cross-validation with Lightning: each fold's model reports an out-of-fold
score, and the fold models are averaged into one ensemble for the new shift's notes.
"""
import functools
import os
import tempfile

import lightning as L
import torch
from torch.utils.data import DataLoader
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

L.seed_everything(5, verbose=False)

NOTES = [
    ("warp end snapped near selvedge loom 4", 0), ("broken end left side restarted", 0),
    ("weft float across six picks", 1), ("long float in centre panel", 1),
    ("thick slub in weft yarn", 2), ("slub every metre bobbin change", 2),
    ("end break after knot failed", 0), ("float where heald stuck", 1),
    ("slub from spinning batch 12", 2), ("two ends broken at reed", 0),
]
NEW_SHIFT = ["float near selvedge", "slub in weft after bobbin change", "end snapped at reed",
             "broken end loom 7", "float across panel"]
DEFAULTS = {"labels": ["broken_end", "float", "slub"], "n_folds": 3, "hidden": 32, "epochs": 1,
            "lr": 1e-3, "batch": 4}


class Config:
    __slots__ = ("labels", "n_folds", "hidden", "epochs", "lr", "batch")

    def __init__(self, **kw):
        for k in self.__slots__:
            setattr(self, k, kw[k])

    @classmethod
    def from_dict(cls, d):
        return cls(**d)

    @classmethod
    def for_task(cls, task):
        d = dict(DEFAULTS)
        if task == "smoke":
            d.update(epochs=1, n_folds=2)
        return cls.from_dict(d)

    @property
    def num_labels(self):
        return len(self.labels)


class FoldRun:
    __slots__ = ("k", "oof_probs", "oof_gold", "test_probs")

    def __init__(self, k, oof_probs, oof_gold, test_probs):
        self.k, self.oof_probs, self.oof_gold, self.test_probs = k, oof_probs, oof_gold, test_probs

    @staticmethod
    def split(n, k):
        return [list(range(i, n, k)) for i in range(k)]


class DefectClassifier(L.LightningModule):
    def __init__(self, bert_cfg, lr):
        super().__init__()
        self.net = BertForSequenceClassification(bert_cfg)
        self.lr = lr

    @classmethod
    def from_config(cls, cfg, vocab_size):
        bert_cfg = BertConfig(vocab_size=vocab_size, hidden_size=cfg.hidden, num_hidden_layers=1,
                              num_attention_heads=2, intermediate_size=64, max_position_embeddings=32,
                              num_labels=cfg.num_labels)
        return cls(bert_cfg, cfg.lr)

    def training_step(self, batch, _):
        return self.net(**batch).loss

    def predict_step(self, batch, _):
        batch.pop("labels", None)
        return self.net(**batch).logits.softmax(-1)

    def configure_optimizers(self):
        return torch.optim.AdamW(self.parameters(), lr=self.lr)


class FoldEnsemble:
    __slots__ = ("labels", "probs")

    def __init__(self, labels, probs):
        self.labels, self.probs = labels, probs

    @classmethod
    def from_config(cls, cfg, runs):
        total = None
        for run in runs:
            total = run.test_probs if total is None else total + run.test_probs
        return cls(cfg.labels, total / cfg.n_folds)

    def decode(self):
        return [self.labels[i] for i in self.probs.argmax(-1).tolist()]


def collate(rows, tokenizer):
    texts = [r[0] for r in rows]
    enc = tokenizer(texts, padding=True, return_tensors="pt")
    if rows[0][1] is not None:
        enc["labels"] = torch.tensor([r[1] for r in rows])
    return dict(enc)


def write_vocab(folder):
    words = sorted({w for t, _ in NOTES for w in t.split()} | {w for t in NEW_SHIFT for w in t.split()})
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return path


def run_fold(k, val_idx, cfg, tokenizer, make_loader):
    train_rows = [NOTES[i] for i in range(len(NOTES)) if i not in val_idx]
    val_rows = [NOTES[i] for i in val_idx]
    model = DefectClassifier.from_config(cfg, tokenizer.vocab_size)
    trainer = L.Trainer(max_epochs=cfg.epochs, accelerator="cpu", enable_progress_bar=False, logger=False,
                        enable_checkpointing=False, enable_model_summary=False)
    trainer.fit(model, make_loader(train_rows, shuffle=True))
    oof = torch.cat(trainer.predict(model, make_loader(val_rows)))
    test = torch.cat(trainer.predict(model, make_loader([(t, None) for t in NEW_SHIFT])))
    gold = torch.tensor([y for _, y in val_rows])
    print(f"fold {k}: {len(val_rows)} held out, oof acc {(oof.argmax(-1) == gold).float().mean():.2f}")
    return FoldRun(k, oof, gold, test)


if __name__ == "__main__":
    cfg = Config.for_task("cv")
    tokenizer = BertTokenizer(write_vocab(tempfile.mkdtemp()))
    make_loader = lambda rows, shuffle=False: DataLoader(
        rows, batch_size=cfg.batch, shuffle=shuffle, collate_fn=functools.partial(collate, tokenizer=tokenizer))
    folds = FoldRun.split(len(NOTES), cfg.n_folds)
    runs = [run_fold(k, idx, cfg, tokenizer, make_loader) for k, idx in enumerate(folds)]
    ensemble = FoldEnsemble.from_config(cfg, runs)
    for note, tag in zip(NEW_SHIFT, ensemble.decode()):
        print(f"{tag:>11} | {note}")
