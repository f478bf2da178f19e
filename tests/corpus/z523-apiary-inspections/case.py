"""Colony status from apiary inspection notes (Lightning + tiny BERT).

Inspectors write a free-text line per hive; we predict whether the colony is
thriving, needs attention (queen problems, swarming signs) or shows disease.
"""
import os
import tempfile
from dataclasses import dataclass

import torch
import lightning as L
from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel, BertTokenizer

L.seed_everything(5, verbose=False)

STATUS = ["thriving", "attention", "disease"]

NOTES = [
    ("brood pattern solid eggs seen queen marked stores good", 0),
    ("queen cells on frame bottoms colony crowded", 1),
    ("spotty brood sunken cappings ropey test positive", 2),
    ("calm bees plenty of pollen new comb drawn", 0),
    ("no eggs no queen seen laying workers suspected", 1),
    ("deformed wings on many workers high mite drop", 2),
    ("strong colony supers filling fast", 0),
    ("chalky mummies on landing board damp hive", 2),
    ("drone brood in worker cells queen failing", 1),
    ("gentle bees eggs and young larvae present", 0),
    ("swarm cells capped colony may have swarmed", 1),
    ("dysentery streaks on frames weak cluster", 2),
    ("foragers busy heather honey coming in", 0),
    ("queenless roaring sound no brood", 1),
    ("perforated cappings foul smell sent sample", 2),
    ("good temper brood on eight frames", 0),
]


def write_vocab(texts, folder):
    words = sorted({w for t in texts for w in t.split()})
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return path


@dataclass
class NoteCollator:
    tokenizer: BertTokenizer
    max_len: int = 24

    def __call__(self, rows):
        enc = self.tokenizer([r[0] for r in rows], padding=True, truncation=True,
                             max_length=self.max_len, return_tensors="pt")
        return {"enc": dict(enc), "status": torch.tensor([r[1] for r in rows])}


class HiveStatusModel(L.LightningModule):
    def __init__(self, vocab_size, n_status, lr=1e-3):
        super().__init__()
        self.save_hyperparameters()
        cfg = BertConfig(vocab_size=vocab_size, hidden_size=32, num_hidden_layers=1,
                         num_attention_heads=2, intermediate_size=64, max_position_embeddings=64)
        self.encoder = BertModel(cfg, add_pooling_layer=False)
        self.classifier = torch.nn.Linear(cfg.hidden_size, n_status)
        self.val_preds = []
        self.val_truth = None

    def forward(self, enc):
        cls = self.encoder(**enc).last_hidden_state[:, 0]
        return self.classifier(cls)

    def training_step(self, batch, batch_idx):
        logits = self(batch["enc"])
        loss = torch.nn.functional.cross_entropy(logits, batch["status"])
        self.log("train_loss", loss, prog_bar=False)
        return loss

    def validation_step(self, batch, batch_idx):
        logits = self(batch["enc"])
        self.val_preds.append(logits.argmax(-1))
        self.val_truth = batch["status"]
        self.log("val_loss", torch.nn.functional.cross_entropy(logits, batch["status"]))

    def on_validation_epoch_end(self):
        preds = torch.cat(self.val_preds)
        acc = (preds == self.val_truth).float().mean()
        self.log("val_acc", acc)
        print(f"epoch {self.current_epoch}: val_acc={acc.item():.2f} on {preds.numel()} notes")
        self.val_preds.clear()

    def configure_optimizers(self):
        return torch.optim.AdamW(self.parameters(), lr=self.hparams.lr)


def main():
    workdir = tempfile.mkdtemp()
    tokenizer = BertTokenizer(write_vocab([t for t, _ in NOTES], workdir))
    collate = NoteCollator(tokenizer)

    train_rows, val_rows = NOTES[:10], NOTES[10:]
    train_dl = DataLoader(train_rows, batch_size=4, shuffle=True, collate_fn=collate)
    val_dl = DataLoader(val_rows, batch_size=4, collate_fn=collate)

    model = HiveStatusModel(tokenizer.vocab_size, len(STATUS))
    trainer = L.Trainer(max_epochs=3, accelerator="cpu", logger=False, enable_checkpointing=False,
                        enable_progress_bar=False, enable_model_summary=False,
                        default_root_dir=workdir)
    trainer.fit(model, train_dl, val_dl)
    print("final metrics:", {k: round(v.item(), 3) for k, v in trainer.callback_metrics.items()})


if __name__ == "__main__":
    main()
