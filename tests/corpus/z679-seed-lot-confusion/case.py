"""Vigour grading of seed lots from germination-test lab notes.

Lightning module around a small BERT classifier; at the end of each validation
epoch we log a confusion matrix and per-grade recall for the seed lab.
"""
import os
import tempfile

import lightning as L
import torch
from torch.utils.data import DataLoader
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

L.seed_everything(21, verbose=False)

GRADES = ["reject", "low", "medium", "high", "premium"]

LAB_NOTES = [
    ("germination 41 percent mould on many seeds", "reject"),
    ("germination 58 percent slow radicle emergence", "low"),
    ("germination 72 percent uneven seedlings", "medium"),
    ("germination 86 percent vigorous even seedlings", "high"),
    ("germination 97 percent fast uniform emergence", "premium"),
    ("germination 35 percent dead seeds and mould", "reject"),
    ("germination 63 percent weak seedlings", "low"),
    ("germination 77 percent some abnormal seedlings", "medium"),
    ("germination 90 percent strong uniform seedlings", "high"),
    ("germination 99 percent vigorous fast emergence", "premium"),
]
HELD_OUT = [
    ("germination 44 percent mould present", "reject"),
    ("germination 70 percent uneven emergence", "medium"),
    ("germination 95 percent uniform vigorous seedlings", "premium"),
    ("germination 88 percent even seedlings", "high"),
    ("germination 60 percent slow weak seedlings", "low"),
]


def make_tokenizer():
    words = sorted({w for t, _ in LAB_NOTES + HELD_OUT for w in t.split()})
    path = os.path.join(tempfile.mkdtemp(prefix="seedlab_"), "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return BertTokenizer(path)


def collate(rows, tok):
    enc = tok([t for t, _ in rows], padding=True, return_tensors="pt")
    enc["labels"] = torch.tensor([GRADES.index(g) for _, g in rows])
    return dict(enc)


def confusion(pred, gold):
    size = int(pred.max()) + 1
    cm = torch.zeros(size, size, dtype=torch.long)
    cm.index_put_((gold, pred), torch.ones_like(gold), accumulate=True)
    return cm


class SeedGrader(L.LightningModule):
    def __init__(self, vocab_size, lr=1e-3):
        super().__init__()
        cfg = BertConfig(vocab_size=vocab_size, hidden_size=32, num_hidden_layers=1,
                         num_attention_heads=2, intermediate_size=64,
                         max_position_embeddings=32, num_labels=len(GRADES))
        self.net = BertForSequenceClassification(cfg)
        self.lr = lr
        self._val_pred, self._val_gold = [], []

    def training_step(self, batch, batch_idx):
        return self.net(**batch).loss

    def validation_step(self, batch, batch_idx):
        out = self.net(**batch)
        self._val_pred.append(out.logits.argmax(-1).cpu())
        self._val_gold.append(batch["labels"].cpu())
        return out.loss

    def on_validation_epoch_end(self):
        pred, gold = torch.cat(self._val_pred), torch.cat(self._val_gold)
        self._val_pred.clear()
        self._val_gold.clear()
        cm = confusion(pred, gold)
        recall = cm.diag().float() / cm.sum(1).clamp(min=1).float()
        print("confusion (rows=gold, cols=pred):")
        print(cm)
        for name, r in zip(GRADES, recall.tolist()):
            print(f"  recall {name:8s} {r:.2f}")

    def configure_optimizers(self):
        return torch.optim.AdamW(self.parameters(), lr=self.lr)


def main():
    tok = make_tokenizer()
    coll = lambda rows: collate(rows, tok)
    train_dl = DataLoader(LAB_NOTES, batch_size=4, shuffle=True, collate_fn=coll)
    val_dl = DataLoader(HELD_OUT, batch_size=5, collate_fn=coll)
    model = SeedGrader(tok.vocab_size)
    trainer = L.Trainer(max_epochs=1, accelerator="cpu", enable_progress_bar=False, logger=False,
                        enable_checkpointing=False, num_sanity_val_steps=0,
                        enable_model_summary=False)
    trainer.fit(model, train_dl, val_dl)
    print("finished grading run")


if __name__ == "__main__":
    main()
