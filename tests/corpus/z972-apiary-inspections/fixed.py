"""Classify apiary inspection notes into colony status with a small BERT and the HF Trainer.

Port of the inspection-triage step from our R pipeline (tidyverse + a glm) to a
transformer classifier. Data comes in as the same column-list layout we used in R.
"""
import os
import random
import re
import tempfile

import numpy as np
import torch
from transformers import (BertConfig, BertForSequenceClassification, BertTokenizer,
                          Trainer, TrainingArguments)

random.seed(11)
np.random.seed(11)
torch.manual_seed(11)

data = {
    "hive": ["H01", "H02", "H03", "H04", "H05", "H06", "H07", "H08",
             "H09", "H10", "H11", "H12", "H13", "H14", "H15", "H16"],
    "text": [
        "brood pattern solid eggs present queen seen calm bees",
        "no eggs no queen seen emergency cells on frame four",
        "queen cells along bottom bars bees clustering at entrance",
        "spotty brood sunken cappings foul smell near brood",
        "strong colony capped honey eggs present calm bees",
        "no eggs laying workers drone brood in worker cells",
        "swarm cells capped half the bees gone from box",
        "deformed wings mites on drones spotty brood",
        "queen seen eggs present pollen coming in strong",
        "no queen seen no eggs bees roaring when opened",
        "queen cells charged bees bearding on front",
        "sunken cappings perforated foul smell ropey larvae",
        "calm bees good stores brood solid queen seen",
        "emergency cells no eggs queen missing",
        "swarm cells on frame six queen cells capped",
        "mites on drones deformed wings chalk brood",
    ],
    "status": ["thriving", "queenless", "swarming", "diseased",
               "thriving", "queenless", "swarming", "diseased",
               "thriving", "queenless", "swarming", "diseased",
               "thriving", "queenless", "swarming", "diseased"],
}

status_levels = ["thriving", "queenless", "swarming", "diseased"]


def write_vocab(texts, folder):
    words = sorted({w for t in texts for w in re.findall(r"[a-z]+", t)})
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(vocab) + "\n")
    return path


def filter_rows(data, keep):
    # keep is a list of 1-based row numbers, like data[keep, ]
    return {col: [vals[i - 1] for i in keep] for col, vals in data.items()}


def mutate_labels(data, levels):
    out = dict(data)
    out["status_code"] = [levels.index(s) for s in data["status"]]
    return out


def mutate_tokens(data, tokenizer, max_len):
    enc = tokenizer(data["text"], padding="max_length", truncation=True, max_length=max_len)
    out = dict(data)
    out["input_ids"] = enc["input_ids"]
    out["attention_mask"] = enc["attention_mask"]
    return out


def summarise_lengths(data, tokenizer):
    n = [len(tokenizer.tokenize(t)) for t in data["text"]]
    return {"min": min(n), "max": max(n), "mean": sum(n) / len(n)}


class ColumnDataset(torch.utils.data.Dataset):
    def __init__(self, data, label_col):
        self.data = data
        self.label_col = label_col

    def __len__(self):
        return len(self.data["text"])

    def __getitem__(self, i):
        return {
            "input_ids": torch.tensor(self.data["input_ids"][i]),
            "attention_mask": torch.tensor(self.data["attention_mask"][i]),
            "labels": torch.tensor(self.data[self.label_col][i]),
        }


def main():
    workdir = tempfile.mkdtemp()
    tokenizer = BertTokenizer(write_vocab(data["text"], workdir))

    lens = summarise_lengths(data, tokenizer)
    print(f"token lengths: min={lens['min']} max={lens['max']} mean={lens['mean']:.1f}")
    max_len = lens["max"] + 2

    prepared = mutate_tokens(mutate_labels(data, status_levels), tokenizer, max_len)
    n_rows = len(prepared["text"])
    train_rows = [i for i in range(1, n_rows + 1) if i % 5 != 0]
    train = filter_rows(prepared, train_rows)
    print(f"training on {len(train['text'])} of {n_rows} inspections")

    config = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=1,
                        num_attention_heads=2, intermediate_size=64, max_position_embeddings=64,
                        num_labels=len(status_levels))
    model = BertForSequenceClassification(config)

    args = TrainingArguments(
        output_dir=os.path.join(workdir, "out"),
        num_train_epochs=2,
        per_device_train_batch_size=4,
        learning_rate=5e-4,
        logging_steps=2,
        save_strategy="no",
        disable_tqdm=True,
        report_to=[],
    )
    trainer = Trainer(model=model, args=args, train_dataset=ColumnDataset(train, "status_code"))
    result = trainer.train()
    print(f"final training loss: {result.training_loss:.4f}")


if __name__ == "__main__":
    main()
