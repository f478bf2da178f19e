# Apiary inspection notes -> colony health (short field note) and inspection outcome (full report).
# One small BERT encoder shared by both tasks, trained with Lightning on a CombinedLoader.
import os
import random
import tempfile
from functools import partial
from typing import NamedTuple

import lightning as L
import torch
import torch.nn as nn
import torch.nn.functional as F
from lightning.pytorch.utilities import CombinedLoader
from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel, BertTokenizer

L.seed_everything(3, verbose=False)
rng = random.Random(3)


class TaskSpec(NamedTuple):
    num_labels: int
    max_len: int


TASKS = {
    "colony_health": TaskSpec(num_labels=3, max_len=24),
    "inspection_outcome": TaskSpec(num_labels=2, max_len=96),
}
ENCODER = dict(hidden_size=32, num_hidden_layers=1, num_attention_heads=2, intermediate_size=64,
               max_position_embeddings=max(s.max_len for s in TASKS.values()))

FIELD_NOTES = [("queen seen eggs present calm bees", 0), ("no eggs queen cells capped", 1),
               ("spotty brood sunken cappings foul smell", 2), ("strong colony honey flow on", 0),
               ("varroa drop high deformed wings", 2), ("supersedure cells small cluster", 1)]
FRAME_OBS = ["brood solid", "eggs present", "capped honey", "pollen band", "drone brood",
             "empty comb", "queen cell", "mites visible", "chalkbrood mummies", "wax moth trails"]


def inspection_report(n_frames, verdict):
    # frame by frame walk through the hive body, inspector closes with a verdict line
    lines = [f"frame {i} {rng.choice(FRAME_OBS)} {rng.choice(FRAME_OBS)}" for i in range(1, n_frames + 1)]
    return " ".join(lines) + (" pass no action" if verdict == 0 else " fail return visit"), verdict


REPORTS = [inspection_report(rng.randint(8, 12), v) for v in (0, 1, 0, 1, 1, 0)]


def make_tokenizer():
    words = {w for text, _ in FIELD_NOTES + REPORTS for w in text.split()}
    path = os.path.join(tempfile.mkdtemp(), "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + sorted(words)) + "\n")
    return BertTokenizer(path)


def collate(rows, tok, task):
    texts, ys = zip(*rows)
    enc = tok(list(texts), padding="longest", truncation=True, max_length=TASKS[task].max_len,
              return_tensors="pt")
    return {"task": task, "inputs": dict(enc), "y": torch.tensor(ys)}


class HiveModule(L.LightningModule):
    def __init__(self, vocab_size, lr=5e-4):
        super().__init__()
        self.save_hyperparameters()
        self.encoder = BertModel(BertConfig(vocab_size=vocab_size, **ENCODER))
        self.heads = nn.ModuleDict({t: nn.Linear(ENCODER["hidden_size"], s.num_labels) for t, s in TASKS.items()})

    def forward(self, task, inputs):
        pooled = self.encoder(**inputs).pooler_output
        return self.heads[task](pooled)

    def training_step(self, batch, batch_idx):
        total = 0.0
        for task, part in batch.items():
            logits = self(part["task"], part["inputs"])
            loss = F.cross_entropy(logits, part["y"])
            acc = (logits.argmax(-1) == part["y"]).float().mean()
            self.log(f"{task}/loss", loss, batch_size=len(part["y"]))
            self.log(f"{task}/acc", acc, batch_size=len(part["y"]))
            total = total + loss
        return total

    def configure_optimizers(self):
        return torch.optim.AdamW(self.parameters(), lr=self.hparams.lr)


def build_loaders(tok):
    data = {"colony_health": FIELD_NOTES, "inspection_outcome": REPORTS}
    loaders = {t: DataLoader(rows, batch_size=3, shuffle=True, collate_fn=partial(collate, tok=tok, task=t))
               for t, rows in data.items()}
    return CombinedLoader(loaders, mode="max_size_cycle")


def main():
    tok = make_tokenizer()
    print(f"vocab={len(tok)} report lengths (words): {[len(r.split()) for r, _ in REPORTS]}")
    module = HiveModule(vocab_size=len(tok))
    trainer = L.Trainer(max_epochs=1, accelerator="cpu", enable_progress_bar=False, logger=False,
                        enable_checkpointing=False, enable_model_summary=False, log_every_n_steps=1)
    trainer.fit(module, train_dataloaders=build_loaders(tok))
    for key, val in sorted(trainer.callback_metrics.items()):
        print(f"{key:28s} {val.item():.4f}")


if __name__ == "__main__":
    main()
