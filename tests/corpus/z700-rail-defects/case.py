"""Fine-tune a tiny BERT on railway maintenance defect reports with a
class-balanced loss (the defect categories are very skewed in our logs)."""
import os
import random
import tempfile

import numpy as np
import torch
import torch.nn.functional as F
from transformers import (BertConfig, BertForSequenceClassification, BertTokenizer,
                          DataCollatorWithPadding, Trainer, TrainingArguments)

random.seed(3)
np.random.seed(3)
torch.manual_seed(3)

CATEGORIES = ["track", "signalling", "overhead_line", "rolling_stock", "level_crossing"]
NUM_LABELS = len(CATEGORIES)

# reports are split by date: Jan-Mar for training, April for validation
TRAIN_REPORTS = [
    ("broken rail clip near km 14 on the down line", "track"),
    ("gauge spread detected at switch 22b", "track"),
    ("ballast washed out after heavy rain near culvert", "track"),
    ("signal 41 stuck at red during morning peak", "signalling"),
    ("axle counter reset failure in section 7", "signalling"),
    ("track circuit showing occupied with no train", "signalling"),
    ("dropper wire hanging low over platform 2", "overhead_line"),
    ("contact wire wear above limit near depot", "overhead_line"),
    ("pantograph strike reported on overhead line at km 9", "overhead_line"),
    ("brake pad wear on unit 3014 above limit", "rolling_stock"),
    ("door fault on coach b of unit 3022", "rolling_stock"),
    ("flat wheel reported on unit 3014 coach a", "rolling_stock"),
    ("rail head crack found by ultrasonic train", "track"),
    ("signal lamp failure at junction home signal", "signalling"),
]
VALID_REPORTS = [
    ("loose fishplate bolts on the up line", "track"),
    ("barrier arm failed to lower at crossing on high street", "level_crossing"),
    ("signal 12 flickering between aspects", "signalling"),
    ("crossing warning lights out at farm road", "level_crossing"),
    ("contact wire sag near km 9", "overhead_line"),
    ("door fault on coach a of unit 3030", "rolling_stock"),
]


def write_vocab(texts, folder):
    words = sorted({w for t in texts for w in t.lower().split()})
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(specials + words) + "\n")
    return path


class DefectReports(torch.utils.data.Dataset):
    def __init__(self, rows, tokenizer):
        self.rows = rows
        self.tok = tokenizer

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, i):
        text, cat = self.rows[i]
        enc = self.tok(text, truncation=True, max_length=32)
        enc["labels"] = CATEGORIES.index(cat)
        return dict(enc)


class BalancedTrainer(Trainer):
    """Trainer whose loss re-weights every example by the inverse frequency of its class."""

    def __init__(self, *args, class_weights=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.class_weights = class_weights

    def compute_loss(self, model, inputs, return_outputs=False, num_items_in_batch=None):
        gold = inputs.pop("labels")
        outputs = model(**inputs)
        per_example = F.cross_entropy(outputs.logits, gold, reduction="none")
        w = self.class_weights.to(per_example.device)[gold]
        loss = (per_example * w).sum() / w.sum()
        return (loss, outputs) if return_outputs else loss


def inverse_frequency(label_ids):
    # add-one smoothing so a rare class does not get an enormous weight
    counts = np.bincount(label_ids) + 1.0
    weights = counts.sum() / (len(counts) * counts)
    return torch.tensor(weights, dtype=torch.float)


def main():
    workdir = tempfile.mkdtemp()
    vocab_path = write_vocab([t for t, _ in TRAIN_REPORTS + VALID_REPORTS], workdir)
    tokenizer = BertTokenizer(vocab_path)

    config = BertConfig(vocab_size=len(tokenizer), hidden_size=32, num_hidden_layers=1,
                        num_attention_heads=2, intermediate_size=64,
                        max_position_embeddings=64, num_labels=NUM_LABELS)
    model = BertForSequenceClassification(config)

    train_ds = DefectReports(TRAIN_REPORTS, tokenizer)
    valid_ds = DefectReports(VALID_REPORTS, tokenizer)

    train_label_ids = np.array([CATEGORIES.index(c) for _, c in TRAIN_REPORTS])
    class_weights = inverse_frequency(train_label_ids)
    print("class weights:", [round(float(x), 3) for x in class_weights])

    args = TrainingArguments(output_dir=os.path.join(workdir, "out"), num_train_epochs=2,
                             per_device_train_batch_size=4, per_device_eval_batch_size=4,
                             learning_rate=5e-4, logging_steps=2, save_strategy="no",
                             eval_strategy="no", report_to=[], use_cpu=True, seed=3)
    trainer = BalancedTrainer(model=model, args=args, train_dataset=train_ds,
                              eval_dataset=valid_ds,
                              data_collator=DataCollatorWithPadding(tokenizer),
                              class_weights=class_weights)
    trainer.train()
    metrics = trainer.evaluate()
    print("validation:", metrics)


if __name__ == "__main__":
    main()
