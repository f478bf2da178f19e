"""Apiary inspection triage: classify inspector notes into colony status.

Status classes are badly imbalanced (most hives are fine), so the loss is
re-weighted with inverse class frequencies inside a Trainer subclass.
"""
import logging
import os
import tempfile
from functools import partial
from itertools import chain, groupby
from operator import itemgetter

import torch
import torch.nn.functional as F
from torch.utils.data import Dataset
from transformers import (BertConfig, BertForSequenceClassification, BertTokenizer, Trainer,
                          TrainingArguments, set_seed)

logging.basicConfig(level=logging.INFO, format="%(levelname)s %(message)s")
log = logging.getLogger("hives")
set_seed(3)

STATUSES = ["healthy", "queenless", "varroa"]

# (hive tag, inspector note, brood frames counted, status)
INSPECTIONS = [
    ("H-01", "capped brood solid pattern calm bees", 7, 0),
    ("H-02", "no eggs no young larvae queen cells present", 2, 1),
    ("H-03", "mites on drone brood deformed wings seen", 4, 2),
    ("H-04", "capped brood solid pattern stores good", 8, 0),
    ("H-05", "calm bees stores good pollen coming in", 6, 0),
    ("H-06", "no eggs laying workers suspected", 1, 1),
    ("H-07", "sugar roll count high mites on bees", 5, 2),
    ("H-08", "solid pattern pollen coming in", 9, 0),
    ("H-09", "calm bees capped brood", 6, 0),
    ("H-10", "deformed wings crawling bees mites", 3, 2),
    ("H-11", "stores good solid pattern calm bees", 7, 0),
    ("H-12", "queen cells present no young larvae", 2, 1),
]


def write_vocab(notes):
    words = sorted(set(chain.from_iterable(map(str.split, notes))))
    path = os.path.join(tempfile.mkdtemp(), "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return path


def inverse_frequency(rows, key, n_classes):
    counts = {k: sum(1 for _ in grp) for k, grp in groupby(sorted(rows, key=key), key=key)}
    log.info("status counts: %s", {STATUSES[k]: v for k, v in counts.items()})
    total = sum(counts.values())
    return torch.tensor([total / (n_classes * counts.get(c, 1)) for c in range(n_classes)])


class InspectionSet(Dataset):
    def __init__(self, rows):
        self.rows = list(rows)

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, i):
        return self.rows[i]


def collate_inspections(rows, tokenizer, class_weights):
    enc = tokenizer(list(map(itemgetter(1), rows)), padding=True, return_tensors="pt")
    enc["labels"] = torch.tensor(list(map(itemgetter(3), rows)))
    enc["loss_weight"] = class_weights[torch.tensor(list(map(itemgetter(3), rows)))]
    return dict(enc)


class WeightedTrainer(Trainer):
    def compute_loss(self, model, inputs, return_outputs=False, num_items_in_batch=None):
        loss_weight = inputs.pop("loss_weight")
        outputs = model(**inputs)
        per_row = F.cross_entropy(outputs.logits, inputs["labels"], reduction="none")
        loss = (per_row * loss_weight).sum() / loss_weight.sum()
        return (loss, outputs) if return_outputs else loss


def main():
    tokenizer = BertTokenizer(write_vocab(map(itemgetter(1), INSPECTIONS)))
    class_weights = inverse_frequency(INSPECTIONS, itemgetter(3), len(STATUSES))
    log.info("class weights: %s", class_weights.tolist())

    cfg = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=1,
                     num_attention_heads=2, intermediate_size=64, max_position_embeddings=64,
                     num_labels=len(STATUSES))
    model = BertForSequenceClassification(cfg)

    args = TrainingArguments(
        output_dir=tempfile.mkdtemp(),
        per_device_train_batch_size=4,
        num_train_epochs=2,
        learning_rate=5e-4,
        logging_steps=2,
        save_strategy="no",
        remove_unused_columns=False,
        use_cpu=True,
        disable_tqdm=True,
        report_to=[],
    )
    trainer = WeightedTrainer(
        model=model,
        args=args,
        train_dataset=InspectionSet(INSPECTIONS),
        data_collator=partial(collate_inspections, tokenizer=tokenizer, class_weights=class_weights),
    )
    result = trainer.train()
    log.info("done, train loss %.4f", result.training_loss)


if __name__ == "__main__":
    main()
