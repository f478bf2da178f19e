"""Homework 4 (solution key): fine-tune a tiny BERT on apiary inspection notes.

Each note written by a beekeeper after opening a hive gets one of five
categories. Questions 1-4 build the vocab, encode the notes, map the
categories and train with the HF Trainer.
"""
import os
import tempfile

import torch
from transformers import (BertConfig, BertForSequenceClassification, BertTokenizer,
                          Trainer, TrainingArguments)

torch.manual_seed(0)

# Part 1: data
NOTES = [
    ("no eggs seen, queen cell capped, colony loud and testy", "queenless"),
    ("several queen cups along bottom bars, frames packed with nectar", "swarm_prep"),
    ("mites on drone brood, deformed wings on two workers", "varroa"),
    ("laying pattern solid, calm bees, good pollen stores", "healthy"),
    ("sunken cappings, ropey larvae, sour smell from brood nest", "brood_disease"),
    ("queen not found but fresh eggs present, calm colony", "healthy"),
    ("sugar roll count of nine mites, workers crawling", "varroa"),
    ("backfilled brood nest, queen cells charged with royal jelly", "swarm_prep"),
    ("laying workers, multiple eggs per cell, no queen", "queenless"),
    ("chalky mummies at entrance, patchy brood", "brood_disease"),
    ("strong colony, two supers filling, no cells", "healthy"),
    ("drone brood uncapped for mite check, high count", "varroa"),
]
SPECIALS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]


def describe(name, x):
    print(f"  {name:<16} shape={tuple(x.shape)} dtype={x.dtype}")


def q1_build_vocab(texts, out_dir):
    words = sorted({w.strip(",.") for t in texts for w in t.lower().split()})
    vocab = SPECIALS + [w for w in words if w]
    path = os.path.join(out_dir, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(vocab) + "\n")
    return path, len(vocab)


def q2_encode(tok, texts, max_len=24):
    enc = tok(texts, padding="max_length", truncation=True, max_length=max_len,
              return_tensors="pt")
    return enc


def q3_label_ids(categories):
    # sorted so the ids are stable between runs
    label2id = {c: i for i, c in enumerate(sorted(set(categories)), start=1)}
    return label2id, [label2id[c] for c in categories]


class NoteDataset(torch.utils.data.Dataset):
    def __init__(self, enc, targets):
        self.enc = enc
        self.targets = targets

    def __len__(self):
        return len(self.targets)

    def __getitem__(self, i):
        item = {k: v[i] for k, v in self.enc.items()}
        item["labels"] = torch.tensor(self.targets[i])
        return item


tmp = tempfile.mkdtemp()
texts = [t for t, _ in NOTES]
vocab_path, vocab_size = q1_build_vocab(texts, tmp)
tokenizer = BertTokenizer(vocab_path)
encoded = q2_encode(tokenizer, texts)
label2id, targets = q3_label_ids([c for _, c in NOTES])

print("Part 1")
describe("input_ids", encoded["input_ids"])
describe("attention_mask", encoded["attention_mask"])
assert encoded["input_ids"].shape == (len(NOTES), 24)
assert len(targets) == len(NOTES)
print("  categories:", label2id)

# Part 2: model
config = BertConfig(vocab_size=vocab_size, hidden_size=32, num_hidden_layers=1,
                    num_attention_heads=2, intermediate_size=64,
                    max_position_embeddings=64, num_labels=len(label2id))
model = BertForSequenceClassification(config)
with torch.no_grad():
    probe = model(input_ids=encoded["input_ids"][:2],
                  attention_mask=encoded["attention_mask"][:2]).logits
describe("logits (probe)", probe)
assert probe.shape == (2, config.num_labels)


def q4_train(model, dataset):
    args = TrainingArguments(output_dir=os.path.join(tmp, "out"), num_train_epochs=2,
                             per_device_train_batch_size=4, learning_rate=5e-4,
                             logging_steps=2, save_strategy="no", disable_tqdm=True,
                             report_to=[], use_cpu=True, seed=0)
    trainer = Trainer(model=model, args=args, train_dataset=dataset)
    return trainer.train()


result = q4_train(model, NoteDataset(encoded, targets))
print("Part 2: final training loss", round(result.training_loss, 4))
