"""Topic classifier for transcribed lighthouse keepers' logbook entries (1890s-1930s).

The archive team tags each entry with one category; this trains a small BERT on the
entries transcribed so far so the rest of the ledgers can be pre-sorted.
"""
import os
import re
import tempfile
from collections import Counter

import torch
from torch.utils.data import Dataset
from transformers import (BertConfig, BertForSequenceClassification, BertTokenizer,
                          DataCollatorWithPadding, Trainer, TrainingArguments, set_seed)

set_seed(7)

CATEGORIES = ["weather", "lamp", "shipping", "supplies", "fog_signal", "visitor"]
CAT2ID = {c: i for i, c in enumerate(CATEGORIES)}

ENTRIES = [
    ("wind nw strong gale , heavy sea running , barometer falling fast", "weather"),
    ("trimmed wicks and cleaned lens , lamp lit at sunset , burned well all night", "lamp"),
    ("brig passed inward bound at 3 pm , signalled her name", "shipping"),
    ("tender landed coal , oil and provisions , two casks of water", "supplies"),
    ("inspector came ashore from the tender , stayed one hour", "visitor"),
    ("calm and clear , light airs from the south", "weather"),
    ("replaced cracked chimney glass on lamp , lens polished", "lamp"),
    ("steamer anchored in the roads sheltering from the gale", "shipping"),
    ("boat brought mail and fresh provisions from the village", "supplies"),
    ("schoolmaster and pupils visited the tower in the afternoon", "visitor"),
    ("rain squalls all day , sea moderate , barometer steady", "weather"),
    ("lamp lit at sunset , clockwork rewound twice in the night", "lamp"),
    ("three fishing smacks passed outward bound at dawn", "shipping"),
    ("oil delivered , twenty gallons , stored in the oil house", "supplies"),
    ("the district engineer visited to survey the tower", "visitor"),
    ("thick weather , drizzle , wind east moderate", "weather"),
]


class LoggingMixin:
    def __init__(self, *args, name="logbook", **kwargs):
        super().__init__(*args, **kwargs)
        self.name = name

    def say(self, msg):
        print(f"{self.name}: {msg}")


class SizesMixin:
    """Counts over self.targets / self.encodings."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)

    def num_classes(self):
        return len(set(self.targets))

    def class_histogram(self):
        return Counter(self.targets)

    def max_tokens(self):
        return max(len(e["input_ids"]) for e in self.encodings)


class LogbookDataset(LoggingMixin, SizesMixin, Dataset):
    def __init__(self, rows, tokenizer, max_length=32):
        super().__init__(name="LogbookDataset")
        self.encodings = [tokenizer(text, truncation=True, max_length=max_length) for text, _ in rows]
        self.targets = [CAT2ID[cat] for _, cat in rows]
        self.say(f"{len(rows)} entries, longest {self.max_tokens()} tokens")

    def __len__(self):
        return len(self.targets)

    def __getitem__(self, idx):
        item = dict(self.encodings[idx])
        item["labels"] = self.targets[idx]
        return item


def write_vocab(rows, folder):
    tokens = set()
    for text, _ in rows:
        tokens.update(re.findall(r"\w+|[^\w\s]", text.lower()))
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(specials + sorted(tokens)) + "\n")
    return path


def main():
    scratch = tempfile.mkdtemp(prefix="logbook_")
    tokenizer = BertTokenizer(write_vocab(ENTRIES, scratch))

    train_ds = LogbookDataset(ENTRIES, tokenizer)
    # size the head by the full category list; not every category occurs in this batch of ledgers
    n_cats = len(CATEGORIES)
    train_ds.say(f"class histogram {dict(train_ds.class_histogram())}, {n_cats} classes")

    config = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=1,
                        num_attention_heads=2, intermediate_size=64, max_position_embeddings=64,
                        num_labels=n_cats)
    model = BertForSequenceClassification(config)

    args = TrainingArguments(
        output_dir=os.path.join(scratch, "out"),
        per_device_train_batch_size=4,
        num_train_epochs=2,
        learning_rate=5e-4,
        logging_steps=2,
        save_strategy="no",
        use_cpu=True,
        disable_tqdm=True,
        report_to=[],
    )
    trainer = Trainer(model=model, args=args, train_dataset=train_ds,
                      data_collator=DataCollatorWithPadding(tokenizer))
    result = trainer.train()
    print(f"done, final train loss {result.training_loss:.4f}")

    probe = tokenizer("fog bell rung for six hours , thick fog", return_tensors="pt")
    with torch.no_grad():
        guess = model(**probe).logits.argmax(-1).item()
    print("probe entry ->", CATEGORIES[guess])


if __name__ == "__main__":
    main()
