"""Apiary inspection notes -> colony condition (healthy / queenless / brood disease).

Tiny BERT fine-tuned with the HF Trainer. Classes are very unbalanced (most
inspections are routine), so the training loader draws examples with a
class-balanced WeightedRandomSampler instead of plain shuffling.
"""
import os
import random
import re
import tempfile
from collections import Counter

import numpy as np
import torch
from torch.utils.data import Dataset, WeightedRandomSampler
from transformers import (BertConfig, BertForSequenceClassification, BertTokenizer,
                          Trainer, TrainingArguments)

SEED = 13
CONDITIONS = ["healthy", "queenless", "brood_disease"]

RAW_NOTES = [
    ("strong colony capped brood on eight frames calm bees", "healthy"),
    ("good laying pattern fresh eggs seen queen spotted", "healthy"),
    ("", "healthy"),
    ("heavy nectar flow supers filling bees calm", "healthy"),
    ("no eggs no young larvae several queen cells started", "queenless"),
    ("spotty brood sunken cappings ropey larvae smell", "brood_disease"),
    ("good temper plenty of pollen brood in all stages", "healthy"),
    ("roaring sound bees agitated no eggs for two weeks", "queenless"),
    ("strong colony capped brood on eight frames calm bees", "healthy"),
    ("chalky mummies on landing board patchy brood", "brood_disease"),
    ("queen marked and seen eggs present good pattern", "healthy"),
    ("laying workers multiple eggs per cell drone brood only", "queenless"),
    ("  ", "queenless"),
    ("perforated cappings discoloured larvae foul smell", "brood_disease"),
    ("stores adequate brood compact bees calm", "healthy"),
    ("emergency queen cells no eggs bees restless", "queenless"),
    ("frames heavy with honey brood healthy and compact", "healthy"),
    ("twisted larvae melted look on brood frame", "brood_disease"),
    ("fresh eggs seen colony expanding well", "healthy"),
    ("no queen seen no eggs roaring when opened", "queenless"),
    ("good laying pattern fresh eggs seen queen spotted", "healthy"),
    ("bees calm pollen coming in brood in all stages", "healthy"),
    ("sunken greasy cappings spotty pattern smell", "brood_disease"),
    ("drone brood in worker cells scattered eggs", "queenless"),
    ("", "brood_disease"),
    ("colony strong queen seen capped and open brood", "healthy"),
    ("varroa low brood compact stores good", "healthy"),
    ("chalky mummies in cells patchy brood pattern", "brood_disease"),
]


def seed_everything(seed):
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def clean(text):
    return re.sub(r"\s+", " ", text).strip().lower()


def write_vocab(texts, folder):
    words = sorted({w for t in texts for w in t.split()})
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return path


class InspectionDataset(Dataset):
    def __init__(self, texts, condition_ids, tokenizer, max_len=24):
        self.enc = tokenizer(texts, padding="max_length", truncation=True,
                             max_length=max_len, return_tensors="pt")
        self.targets = torch.tensor(condition_ids, dtype=torch.long)

    def __len__(self):
        return self.targets.shape[0]

    def __getitem__(self, i):
        item = {name: col[i] for name, col in self.enc.items()}
        item["labels"] = self.targets[i]
        return item


class BalancedTrainer(Trainer):
    """Trainer that samples each condition roughly equally often."""

    def __init__(self, *args, sample_labels=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.sample_labels = list(sample_labels)

    def _get_train_sampler(self, train_dataset=None):
        freq = Counter(self.sample_labels)
        weights = torch.tensor([1.0 / freq[c] for c in self.sample_labels], dtype=torch.double)
        gen = torch.Generator().manual_seed(self.args.seed)
        print(f"balanced sampler over {len(weights)} notes, class freq {dict(freq)}")
        return WeightedRandomSampler(weights, num_samples=len(weights), replacement=True, generator=gen)


def main():
    seed_everything(SEED)
    workdir = tempfile.mkdtemp(prefix="hive_")

    # drop empty notes and exact duplicate inspections (copy-pasted entries)
    seen, kept = set(), []
    for text, cond in RAW_NOTES:
        t = clean(text)
        if not t or t in seen:
            continue
        seen.add(t)
        kept.append((t, cond))
    print(f"{len(RAW_NOTES)} raw notes -> {len(kept)} after cleaning")

    tokenizer = BertTokenizer(write_vocab([t for t, _ in kept], workdir))
    label2id = {c: i for i, c in enumerate(CONDITIONS)}
    train_ds = InspectionDataset([t for t, _ in kept], [label2id[c] for _, c in kept], tokenizer)

    config = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=1,
                        num_attention_heads=2, intermediate_size=64, max_position_embeddings=64,
                        num_labels=len(CONDITIONS))
    model = BertForSequenceClassification(config)

    args = TrainingArguments(output_dir=os.path.join(workdir, "out"), per_device_train_batch_size=8,
                             num_train_epochs=2, learning_rate=5e-4, logging_steps=2,
                             save_strategy="no", disable_tqdm=True, report_to=[], use_cpu=True,
                             seed=SEED)
    trainer = BalancedTrainer(model=model, args=args, train_dataset=train_ds,
                              sample_labels=[cond for _, cond in kept])
    result = trainer.train()
    print(f"done, train loss {result.training_loss:.4f}")


if __name__ == "__main__":
    main()
