"""Lightning multi-task BERT for track maintenance work orders.

Tasks: defect type, urgency, crew assignment. Each validation epoch we log a
per-task confusion matrix and macro recall so the planners can see which defect
classes get mixed up.
"""
import os
import tempfile
from collections import namedtuple

import torch
import torch.nn as nn
import torch.nn.functional as F
import lightning as L
from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel, BertTokenizer

L.seed_everything(11, verbose=False)

Spec = namedtuple("Spec", "labels loss_fn")
TASKS = {
    "defect": Spec(["rail_crack", "broken_fastener", "ballast_fouling", "gauge_spread", "weld_defect"], F.cross_entropy),
    "urgency": Spec(["routine", "priority", "immediate"], F.cross_entropy),
    "crew": Spec(["track_gang", "welding", "signals", "tamping"], F.cross_entropy),
}

ORDERS = [
    ("defect", "transverse crack found at km 12 rail head", "rail_crack"),
    ("defect", "three clips missing on sleepers near points", "broken_fastener"),
    ("defect", "mud pumping ballast fouled at cutting", "ballast_fouling"),
    ("defect", "gauge measured wide on curve", "gauge_spread"),
    ("defect", "thermite weld cracked at joint", "weld_defect"),
    ("defect", "clips loose and missing on bridge approach", "broken_fastener"),
    ("urgency", "speed restriction needed crack at joint", "immediate"),
    ("urgency", "schedule at next possession ballast top up", "routine"),
    ("urgency", "gauge wide on curve monitor weekly", "priority"),
    ("urgency", "broken rail reported by driver", "immediate"),
    ("crew", "tamping required after ballast drop", "tamping"),
    ("crew", "weld repair at joint", "welding"),
    ("crew", "signal cable damaged by fouling", "signals"),
    ("crew", "replace clips on sleepers", "track_gang"),
]


def make_tokenizer():
    words = sorted({w for _, text, _ in ORDERS for w in text.split()})
    path = os.path.join(tempfile.mkdtemp(), "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return BertTokenizer(path)


def task_batches(tok, batch_size=3):
    """Group the work orders by task so every batch goes through a single head."""
    out = []
    for task, spec in TASKS.items():
        rows = [(t, y) for name, t, y in ORDERS if name == task]
        for i in range(0, len(rows), batch_size):
            texts, tags = zip(*rows[i:i + batch_size])
            enc = tok(list(texts), padding=True, return_tensors="pt")
            enc = dict(enc, targets=torch.tensor([spec.labels.index(y) for y in tags]), task=task)
            out.append(enc)
    return out


class WorkOrderModel(L.LightningModule):
    def __init__(self, vocab_size, hidden=32, num_labels=3, lr=2e-3):
        super().__init__()
        self.save_hyperparameters()
        cfg = BertConfig(vocab_size=vocab_size, hidden_size=hidden, num_hidden_layers=1, num_attention_heads=2,
                         intermediate_size=64, max_position_embeddings=64)
        self.encoder = BertModel(cfg)
        self.heads = nn.ModuleDict({name: nn.Linear(hidden, len(spec.labels)) for name, spec in TASKS.items()})

    def forward(self, task, input_ids, attention_mask, token_type_ids=None):
        pooled = self.encoder(input_ids=input_ids, attention_mask=attention_mask).pooler_output
        return self.heads[task](pooled)

    def _step(self, batch):
        batch = dict(batch)
        task, gold = batch.pop("task"), batch.pop("targets")
        logits = self(task, **batch)
        return task, logits, gold, TASKS[task].loss_fn(logits, gold)

    def training_step(self, batch, batch_idx):
        task, _, _, loss = self._step(batch)
        self.log(f"train/{task}_loss", loss, batch_size=len(batch["targets"]))
        return loss

    def on_validation_epoch_start(self):
        self.confusion = {name: torch.zeros(head.out_features, head.out_features, dtype=torch.long)
                          for name, head in self.heads.items()}

    def validation_step(self, batch, batch_idx):
        task, logits, gold, loss = self._step(batch)
        pred = logits.argmax(-1).cpu()
        self.confusion[task].index_put_((gold.cpu(), pred), torch.ones_like(pred), accumulate=True)
        self.log(f"val/{task}_loss", loss, batch_size=len(gold))

    def on_validation_epoch_end(self):
        for name, cm in self.confusion.items():
            recall = cm.diag().float() / cm.sum(1).clamp(min=1)
            print(f"[val] {name}: macro recall {recall.mean():.3f}\n{cm}")

    def configure_optimizers(self):
        return torch.optim.Adam(self.parameters(), lr=self.hparams.lr)


def main():
    tok = make_tokenizer()
    batches = task_batches(tok)
    print(f"{len(batches)} batches over tasks {list(TASKS)}")
    model = WorkOrderModel(vocab_size=tok.vocab_size)
    trainer = L.Trainer(max_epochs=2, accelerator="cpu", logger=False, enable_checkpointing=False,
                        enable_progress_bar=False, enable_model_summary=False, num_sanity_val_steps=0)
    identity = lambda b: b[0]
    trainer.fit(model, DataLoader(batches, batch_size=1, shuffle=True, collate_fn=identity),
                DataLoader(batches, batch_size=1, collate_fn=identity))


if __name__ == "__main__":
    main()
