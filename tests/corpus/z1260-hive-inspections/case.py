"""Classify free-text beehive inspection notes into a colony condition so the
apiary dashboard can flag hives that need a second visit."""
import functools
import itertools
import os
import random
import tempfile

import numpy as np
import torch
from torch.utils.data import Dataset
from transformers import (BertConfig, BertForSequenceClassification, BertTokenizer,
                          DataCollatorWithPadding, Trainer, TrainingArguments)

SEED = 13
random.seed(SEED)
np.random.seed(SEED)
torch.manual_seed(SEED)

HIVE_CONDITIONS = ("healthy", "queenless", "swarming", "varroa", "foulbrood")

INSPECTIONS = [
    ("eggs and young larvae on six frames calm bees good stores", "healthy"),
    ("no eggs no young brood bees roaring emergency cells drawn", "queenless"),
    ("many capped queen cells along bottom bars hive crowded", "swarming"),
    ("mites visible on drones deformed wings on several workers", "varroa"),
    ("sunken perforated cappings ropey brown larvae foul smell", "foulbrood"),
    ("laying pattern solid pollen coming in strong colony", "healthy"),
    ("queen not seen no eggs for two weeks laying workers suspected", "queenless"),
    ("half the colony left clustered on the apple tree", "swarming"),
    ("sugar roll count high mites on white board after treatment", "varroa"),
    ("spotty brood matchstick test ropes brown scales in cells", "foulbrood"),
]

SPECIALS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]


def compose(*steps):
    return functools.reduce(lambda f, g: lambda x: g(f(x)), steps, lambda x: x)


def vocabulary(notes):
    words = itertools.chain.from_iterable(map(str.split, notes))
    return SPECIALS + sorted(set(words))


def save_vocab(tokens, folder):
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as fh:
        fh.writelines(t + "\n" for t in tokens)
    return path


def make_encoder(tokenizer, max_len):
    def encode(note):
        return tokenizer(note, truncation=True, max_length=max_len)
    return encode


def make_label_coder(conditions):
    # condition ids as they appear in the field app's dropdown
    lookup = {name: idx for idx, name in enumerate(conditions, start=1)}
    return lambda name: lookup[name]


class InspectionSet(Dataset):
    def __init__(self, records):
        self.records = list(records)

    def __len__(self):
        return len(self.records)

    def __getitem__(self, i):
        return self.records[i]


def attach_label(encode, code_label):
    def build(pair):
        note, condition = pair
        return {**encode(note), "labels": code_label(condition)}
    return build


def build_model(vocab_size, num_labels):
    cfg = BertConfig(vocab_size=vocab_size, hidden_size=32, num_hidden_layers=1,
                     num_attention_heads=2, intermediate_size=64,
                     max_position_embeddings=64, num_labels=num_labels)
    return BertForSequenceClassification(cfg)


workdir = tempfile.mkdtemp(prefix="hives_")
vocab_path = compose(vocabulary, functools.partial(save_vocab, folder=workdir))(
    note for note, _ in INSPECTIONS)
tokenizer = BertTokenizer(vocab_path)

model_factory = functools.partial(build_model, num_labels=len(HIVE_CONDITIONS))

to_record = attach_label(make_encoder(tokenizer, max_len=32), make_label_coder(HIVE_CONDITIONS))
records = list(map(to_record, INSPECTIONS))
random.shuffle(records)
train_set = InspectionSet(records)
print(f"{len(train_set)} inspections, vocab of {tokenizer.vocab_size} tokens")

args = TrainingArguments(
    output_dir=os.path.join(workdir, "out"),
    per_device_train_batch_size=4,
    num_train_epochs=2,
    learning_rate=5e-4,
    logging_steps=1,
    save_strategy="no",
    disable_tqdm=True,
    report_to=[],
    seed=SEED,
    use_cpu=True,
)

trainer = Trainer(
    model=model_factory(tokenizer.vocab_size),
    args=args,
    train_dataset=train_set,
    data_collator=DataCollatorWithPadding(tokenizer),
)
result = trainer.train()
print(f"final training loss {result.training_loss:.4f}")
