"""Apiary inspection-note parser: note type (intent) + hive / condition / treatment spans (slot).

One BERT encoder shared by both heads, two dataloaders combined by Lightning.
"""
import os
import tempfile
from dataclasses import dataclass

import torch
import torch.nn as nn
import lightning as L
from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel, BertTokenizer

L.seed_everything(3, verbose=False)

SLOT_TYPES = ["HIVE", "CONDITION", "TREATMENT"]


def bio_tags(types):
    tags = ["O"]
    for t in types:
        tags += [f"B-{t}", f"I-{t}"]
    return tags


SLOT_TAGS = bio_tags(SLOT_TYPES)
NOTE_KINDS = ["inspection", "treatment", "harvest"]

TASKS = {
    "intent": {"num_labels": len(NOTE_KINDS), "pool": "cls", "batch_size": 2},
    "slot": {"num_labels": 2 * len(SLOT_TYPES), "pool": "tokens", "batch_size": 2},
}

NOTES = [
    ("hive seven queen cells seen", "inspection"),
    ("oxalic acid drip on hive three", "treatment"),
    ("pulled ten supers from hive two", "harvest"),
    ("brood pattern spotty in hive four", "inspection"),
    ("formic strips added to hive seven", "treatment"),
    ("extracted honey frames hive three", "harvest"),
]
SPANS = [
    ("hive seven queen cells seen", "B-HIVE I-HIVE B-CONDITION I-CONDITION O"),
    ("oxalic acid drip on hive three", "B-TREATMENT I-TREATMENT I-TREATMENT O B-HIVE I-HIVE"),
    ("brood pattern spotty in hive four", "B-CONDITION I-CONDITION I-CONDITION O B-HIVE I-HIVE"),
    ("formic strips added to hive seven", "B-TREATMENT I-TREATMENT O O B-HIVE I-HIVE"),
]

SPECIAL = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
VOCAB = SPECIAL + sorted({w for text, _ in NOTES + SPANS for w in text.split()})


@dataclass
class Example:
    text: str
    target: object


def make_tokenizer():
    d = tempfile.mkdtemp()
    with open(os.path.join(d, "vocab.txt"), "w") as fh:
        fh.write("\n".join(VOCAB))
    return BertTokenizer(os.path.join(d, "vocab.txt"))


class Collator:
    def __init__(self, tok, task):
        self.tok, self.task = tok, task

    def __call__(self, examples):
        enc = self.tok([e.text for e in examples], padding=True, return_tensors="pt")
        if self.task == "intent":
            y = torch.tensor([NOTE_KINDS.index(e.target) for e in examples])
        else:
            y = torch.full(enc["input_ids"].shape, -100, dtype=torch.long)
            for row, e in enumerate(examples):
                ids = [SLOT_TAGS.index(t) for t in e.target.split()]
                y[row, 1:len(ids) + 1] = torch.tensor(ids)
        return {"enc": dict(enc), "y": y}


class ApiaryTagger(L.LightningModule):
    def __init__(self, vocab_size):
        super().__init__()
        cfg = BertConfig(vocab_size=vocab_size, hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                         intermediate_size=64, max_position_embeddings=64)
        self.encoder = BertModel(cfg)
        self.heads = nn.ModuleDict({k: nn.Linear(cfg.hidden_size, v["num_labels"]) for k, v in TASKS.items()})
        self.crit = nn.CrossEntropyLoss(ignore_index=-100)

    def training_step(self, batch, batch_idx):
        losses = {}
        for task, part in batch.items():
            hidden = self.encoder(**part["enc"]).last_hidden_state
            if TASKS[task]["pool"] == "cls":
                hidden = hidden[:, 0]
            logits = self.heads[task](hidden)
            losses[task] = self.crit(logits.view(-1, logits.size(-1)), part["y"].view(-1))
        total = sum(losses.values())
        if batch_idx == 0:
            print({k: round(v.item(), 3) for k, v in losses.items()})
        return total

    def configure_optimizers(self):
        return torch.optim.AdamW(self.parameters(), lr=5e-4)


def main():
    tok = make_tokenizer()
    data = {
        "intent": [Example(t, k) for t, k in NOTES],
        "slot": [Example(t, tags) for t, tags in SPANS],
    }
    loaders = {task: DataLoader(data[task], batch_size=TASKS[task]["batch_size"], shuffle=True,
                                collate_fn=Collator(tok, task))
               for task in TASKS}
    print(f"vocab={len(VOCAB)} tags={SLOT_TAGS}")
    model = ApiaryTagger(len(VOCAB))
    trainer = L.Trainer(max_epochs=1, accelerator="cpu", enable_progress_bar=False, logger=False,
                        enable_checkpointing=False, enable_model_summary=False)
    trainer.fit(model, train_dataloaders=loaders)
    print("training finished")


if __name__ == "__main__":
    main()
