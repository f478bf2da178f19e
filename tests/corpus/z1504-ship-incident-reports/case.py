# Quick fine-tune of a tiny BERT on maritime incident summaries (MAIB-style one-liners)
# and per-category recall on the eval split.
import os
import random
import tempfile
from types import SimpleNamespace

import numpy as np
import torch
from transformers import (BertConfig, BertForSequenceClassification, BertTokenizer,
                          Trainer, TrainingArguments)

random.seed(11); np.random.seed(11); torch.manual_seed(11)

CATEGORIES = ["collision", "grounding", "fire", "machinery", "pollution"]
TRAIN = [
    ("vessel struck the pier while berthing in fog", "collision"),
    ("ferry made contact with a moored tug at night", "collision"),
    ("trawler hit a buoy after the watchkeeper fell asleep", "collision"),
    ("bulk carrier ran aground on a sand bank at low tide", "grounding"),
    ("yacht grounded on rocks outside the marked channel", "grounding"),
    ("coaster touched bottom near the harbour entrance", "grounding"),
    ("fire broke out in the galley during cooking", "fire"),
    ("smoke from the engine room and fire in the switchboard", "fire"),
    ("fire on deck from a lithium battery in a car", "fire"),
    ("main engine stopped after fuel pump failure", "machinery"),
    ("steering gear failed and the vessel lost control", "machinery"),
    ("generator tripped and the ship had a blackout", "machinery"),
    ("oil sheen seen astern after a bunker hose burst", "pollution"),
    ("bilge water with oil pumped over the side in port", "pollution"),
    ("cargo of palm oil leaked into the harbour", "pollution"),
]
EVAL_TSV = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data", "incidents_eval.tsv")

cfg = SimpleNamespace(max_len=24, epochs=1, lr=5e-4, batch=4)


def read_tsv(path):
    rows = []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            text, cat = line.rstrip("\n").split("\t")
            rows.append((text, cat))
    return rows


try:
    eval_rows = read_tsv(EVAL_TSV)
except FileNotFoundError:
    # no exported eval file on this box, use the few reports held back by hand
    print("eval tsv missing, falling back to held-back sample")
    eval_rows = [
        ("container ship collided with a fishing boat in the strait", "collision"),
        ("tanker grounded while leaving the anchorage", "grounding"),
        ("fire in the laundry spread to the crew cabins", "fire"),
        ("propeller shaft bearing overheated and the engine was stopped", "machinery"),
        ("pilot boat struck the quay wall", "collision"),
    ]

words = sorted({w for t, _ in TRAIN + eval_rows for w in t.split()})
vocab_dir = tempfile.mkdtemp()
with open(os.path.join(vocab_dir, "vocab.txt"), "w") as fh:
    fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
tok = BertTokenizer(os.path.join(vocab_dir, "vocab.txt"))
tok.model_max_length = cfg.max_len


class IncidentSet(torch.utils.data.Dataset):
    def __init__(self, rows):
        x = [t for t, _ in rows]
        self.y = [CATEGORIES.index(c) for _, c in rows]
        x = tok(x, padding="max_length", truncation=True, max_length=cfg.max_len)
        self.x = x

    def __len__(self):
        return len(self.y)

    def __getitem__(self, i):
        item = {k: torch.tensor(v[i]) for k, v in self.x.items()}
        item["labels"] = torch.tensor(self.y[i])
        return item


train_ds, eval_ds = IncidentSet(TRAIN), IncidentSet(eval_rows)
print("train", len(train_ds), "eval", len(eval_ds))
assert train_ds[0]["input_ids"].shape[0] == cfg.max_len


def per_category_recall(pred):
    guess = torch.as_tensor(pred.predictions).argmax(-1)
    gold = torch.as_tensor(pred.label_ids)
    support = torch.bincount(gold)
    correct = torch.zeros(len(CATEGORIES))
    for g, p in zip(gold.tolist(), guess.tolist()):
        if g == p:
            correct[g] += 1
    out = {"acc": (guess == gold).float().mean().item()}
    for c, name in enumerate(CATEGORIES):
        out[f"recall_{name}"] = (correct[c] / max(int(support[c]), 1)).item()
    return out


bert_cfg = BertConfig(vocab_size=len(tok), hidden_size=32, num_hidden_layers=1,
                      num_attention_heads=2, intermediate_size=64,
                      max_position_embeddings=64, num_labels=len(CATEGORIES))
model = BertForSequenceClassification(bert_cfg)

args = TrainingArguments(output_dir=tempfile.mkdtemp(), num_train_epochs=cfg.epochs,
                         per_device_train_batch_size=cfg.batch, learning_rate=cfg.lr,
                         use_cpu=True, report_to=[], save_strategy="no",
                         logging_strategy="no", disable_tqdm=True)
# first run logged nothing useful at bs 4 for eval, just do it in one go
args.per_device_eval_batch_size = len(eval_ds)

trainer = Trainer(model=model, args=args, train_dataset=train_ds, eval_dataset=eval_ds,
                  compute_metrics=per_category_recall)
trainer.train()
metrics = trainer.evaluate()
for k in sorted(metrics):
    print(f"{k:32s} {metrics[k]}")
