"""Hive inspection notes -> colony condition, quick fine-tune with the HF Trainer.

Notes are transcribed from the paper inspection sheets the club uses; the label
column is whatever the inspector ticked.
"""
import json
import os
import random
import tempfile

import numpy as np
import torch
from torch.utils.data import Dataset
from transformers import (BertConfig, BertForSequenceClassification, BertTokenizer,
                          Trainer, TrainingArguments, default_data_collator)

random.seed(7)
np.random.seed(7)
torch.manual_seed(7)

NOTES = [
    ("eggs and young larvae seen on three frames, calm bees, good stores", "queenright"),
    ("no eggs no young brood, roaring when opened, several emergency cells", "queenless"),
    ("capped queen cells along bottom bars, crowded brood nest, backfilled honey", "swarm_prep"),
    ("mites on drone brood, deformed wings on young workers", "varroa"),
    ("marked queen seen, solid brood pattern, pollen coming in", "queenright"),
    ("laying workers suspected, multiple eggs per cell, drone brood in worker cells", "queenless"),
    ("fighting at entrance, torn cappings, wax flakes on landing board", "robbing"),
    ("sugar roll gave twelve mites, spotty brood", "varroa"),
    ("wasps and strange bees at entrance, stores dropping fast", "robbing"),
    ("swarm cells charged, old queen still present", "swarm_prep"),
]

# words seen on the sheets; anything else goes to [UNK]
WORDS = sorted({w.strip(",.") for note, _ in NOTES for w in note.split()})
workdir = tempfile.mkdtemp(prefix="apiary_")
with open(os.path.join(workdir, "vocab.txt"), "w") as fh:
    fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + WORDS) + "\n")
tok = BertTokenizer(os.path.join(workdir, "vocab.txt"))
print("vocab", tok.vocab_size)

# the condition codes from last season's sheet
LABEL2ID = {"queenright": 0, "queenless": 1, "swarm_prep": 2, "varroa": 3}
# this season's sheets have extra conditions; code them before sizing the head
for _, cond in NOTES:
    LABEL2ID.setdefault(cond, len(LABEL2ID))

# reuse the head size from the earlier run if its config is around
try:
    with open(os.path.join(workdir, "prev_run", "config.json")) as fh:
        n_cls = json.load(fh)["num_labels"]
    print("num_labels from previous run:", n_cls)
except (FileNotFoundError, KeyError):
    n_cls = len(LABEL2ID)
    print("no previous run, num_labels =", n_cls)

cfg = BertConfig(vocab_size=tok.vocab_size, hidden_size=32, num_hidden_layers=1,
                 num_attention_heads=2, intermediate_size=64, max_position_embeddings=64,
                 num_labels=n_cls)
model = BertForSequenceClassification(cfg)
print("params", sum(p.numel() for p in model.parameters()))

# sanity forward before wiring up the Trainer
x = [n for n, _ in NOTES[:2]]
x = tok(x, padding=True, return_tensors="pt")
with torch.no_grad():
    print("logits", model(**x).logits.shape)


class InspectionSet(Dataset):
    def __init__(self, rows, tokenizer, label_map, max_len=32):
        self.rows = rows
        self.tok = tokenizer
        self.label_map = label_map
        self.max_len = max_len

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, i):
        text, cond = self.rows[i]
        enc = self.tok(text, padding="max_length", truncation=True, max_length=self.max_len)
        if cond not in self.label_map:
            # new condition on this season's sheet, give it the next code
            self.label_map[cond] = len(self.label_map)
        item = {k: torch.tensor(v) for k, v in enc.items()}
        item["labels"] = torch.tensor(self.label_map[cond])
        return item


train_ds = InspectionSet(NOTES, tok, LABEL2ID)
x = train_ds[0]
assert x["input_ids"].shape[0] == 32, x["input_ids"].shape
print("first item label", x["labels"].item())

args = TrainingArguments(
    output_dir=os.path.join(workdir, "out"),
    per_device_train_batch_size=4,
    num_train_epochs=2,
    learning_rate=5e-4,
    logging_steps=1,
    save_strategy="no",
    use_cpu=True,
    disable_tqdm=True,
    report_to=[],
    seed=7,
)
trainer = Trainer(model=model, args=args, train_dataset=train_ds,
                  data_collator=default_data_collator)
result = trainer.train()
print("train loss", round(result.training_loss, 4))
print("label map", LABEL2ID)
