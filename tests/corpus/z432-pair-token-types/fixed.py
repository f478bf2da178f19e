"""Paraphrase classifier on sentence pairs with a small from-scratch BERT + HF Trainer."""
import os
import random
import tempfile

import numpy as np
import torch
from torch.utils.data import Dataset
from transformers import (
    BertConfig,
    BertForSequenceClassification,
    BertTokenizerFast,
    Trainer,
    TrainingArguments,
)

SEED = 13
random.seed(SEED)
np.random.seed(SEED)
torch.manual_seed(SEED)

# sizes borrowed from our distilled roberta-style encoder
MODEL_CFG = dict(
    hidden_size=48,
    num_hidden_layers=2,
    num_attention_heads=4,
    intermediate_size=96,
    max_position_embeddings=64,
    type_vocab_size=2,
    num_labels=2,
)

SUBJECTS = ["the cat", "a dog", "my neighbour", "the teacher", "our team", "the pilot"]
VERBS = ["found", "lost", "painted", "fixed", "sold", "watched"]
OBJECTS = ["the car", "a book", "the fence", "an old map", "the boat", "a guitar"]


def make_pairs(n):
    pairs = []
    for _ in range(n):
        s, v, o = random.choice(SUBJECTS), random.choice(VERBS), random.choice(OBJECTS)
        first = f"{s} {v} {o}"
        if random.random() < 0.5:
            second = f"{o} was {v} by {s}"
            label = 1
        else:
            second = f"{random.choice(SUBJECTS)} {random.choice(VERBS)} {random.choice(OBJECTS)}"
            label = int(second == first)
        pairs.append((first, second, label))
    return pairs


def build_tokenizer(pairs):
    words = sorted({w for a, b, _ in pairs for w in (a + " " + b).split()} | {"was", "by"})
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words
    tok_dir = tempfile.mkdtemp(prefix="para_tok_")
    vocab_path = os.path.join(tok_dir, "vocab.txt")
    with open(vocab_path, "w") as fh:
        fh.write("\n".join(vocab) + "\n")
    return BertTokenizerFast(vocab_path)


class PairDataset(Dataset):
    def __init__(self, pairs, tokenizer, max_len=32):
        firsts = [p[0] for p in pairs]
        seconds = [p[1] for p in pairs]
        self.enc = tokenizer(firsts, seconds, padding="max_length", truncation=True, max_length=max_len)
        self.labels = [p[2] for p in pairs]

    def __len__(self):
        return len(self.labels)

    def __getitem__(self, i):
        item = {k: torch.tensor(v[i]) for k, v in self.enc.items()}
        item["labels"] = torch.tensor(self.labels[i])
        return item


def compute_metrics(eval_pred):
    logits, labels = eval_pred
    return {"accuracy": float((logits.argmax(-1) == labels).mean())}


def main():
    train_pairs, dev_pairs = make_pairs(48), make_pairs(16)
    tokenizer = build_tokenizer(train_pairs + dev_pairs)

    config = BertConfig(vocab_size=len(tokenizer), pad_token_id=tokenizer.pad_token_id, **MODEL_CFG)
    model = BertForSequenceClassification(config)

    args = TrainingArguments(
        output_dir=tempfile.mkdtemp(prefix="para_run_"),
        num_train_epochs=1,
        per_device_train_batch_size=8,
        per_device_eval_batch_size=8,
        learning_rate=5e-4,
        eval_strategy="epoch",
        save_strategy="no",
        logging_steps=5,
        report_to="none",
        use_cpu=True,
        seed=SEED,
    )
    trainer = Trainer(
        model=model,
        args=args,
        train_dataset=PairDataset(train_pairs, tokenizer),
        eval_dataset=PairDataset(dev_pairs, tokenizer),
        compute_metrics=compute_metrics,
    )
    trainer.train()
    print(trainer.evaluate())


if __name__ == "__main__":
    main()
