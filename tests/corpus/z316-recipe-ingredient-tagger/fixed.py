"""Tag recipe lines with QTY / UNIT / ING / O labels using a tiny BERT token classifier."""
import os
import random
import tempfile
from dataclasses import dataclass

import torch
from torch.utils.data import Dataset
from transformers import (
    BertConfig,
    BertForTokenClassification,
    BertTokenizer,
    Trainer,
    TrainingArguments,
)

TAGS = ["O", "QTY", "UNIT", "ING"]
TAG2ID = {t: i for i, t in enumerate(TAGS)}

QUANTITIES = ["1", "2", "3", "half", "quarter", "12"]
UNITS = ["cup", "cups", "tbsp", "tsp", "grams", "pinch"]
INGREDIENTS = ["flour", "sugar", "butter", "salt", "milk", "cinnamon", "oats", "honey"]
FILLERS = ["of", "finely", "chopped", "softened", "sifted", "melted"]


def write_vocab(folder):
    words = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + QUANTITIES + UNITS + INGREDIENTS + FILLERS
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(words) + "\n")
    return path


def make_recipe_lines(n, rng):
    lines = []
    for _ in range(n):
        words, tags = [rng.choice(QUANTITIES)], ["QTY"]
        if rng.random() < 0.8:
            words.append(rng.choice(UNITS)); tags.append("UNIT")
        if rng.random() < 0.5:
            words.append("of"); tags.append("O")
        words.append(rng.choice(INGREDIENTS)); tags.append("ING")
        for _ in range(rng.randint(0, 3)):
            words.append(rng.choice(FILLERS)); tags.append("O")
        lines.append((words, tags))
    return lines


class RecipeLineDataset(Dataset):
    def __init__(self, lines, tokenizer):
        self.items = []
        for words, tags in lines:
            ids = [tokenizer.cls_token_id] + tokenizer.convert_tokens_to_ids(words) + [tokenizer.sep_token_id]
            labels = [-100] + [TAG2ID[t] for t in tags] + [-100]
            self.items.append({"input_ids": ids, "labels": labels})

    def __len__(self):
        return len(self.items)

    def __getitem__(self, idx):
        return self.items[idx]


@dataclass
class TaggingCollator:
    pad_id: int
    label_pad: int = -100

    def __call__(self, features):
        longest = max(len(f["input_ids"]) for f in features)
        input_ids, attention, labels = [], [], []
        for f in features:
            ids = f["input_ids"]
            gap = longest - len(ids)
            input_ids.append(ids + [self.pad_id] * gap)
            attention.append([1] * len(ids) + [0] * gap)
            labels.append(f["labels"] + [self.label_pad] * gap)
        return {
            "input_ids": torch.tensor(input_ids, dtype=torch.long),
            "attention_mask": torch.tensor(attention, dtype=torch.long),
            "labels": torch.tensor(labels, dtype=torch.long),
        }


def main():
    random.seed(7)
    torch.manual_seed(7)
    workdir = tempfile.mkdtemp(prefix="recipes_")
    tokenizer = BertTokenizer(write_vocab(workdir))

    train_lines = make_recipe_lines(32, random.Random(7))
    train_ds = RecipeLineDataset(train_lines, tokenizer)

    config = BertConfig(
        vocab_size=tokenizer.vocab_size,
        hidden_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=64,
        num_labels=len(TAGS),
    )
    model = BertForTokenClassification(config)

    args = TrainingArguments(
        output_dir=os.path.join(workdir, "out"),
        per_device_train_batch_size=8,
        num_train_epochs=1,
        learning_rate=5e-4,
        logging_steps=4,
        save_strategy="no",
        report_to=[],
        disable_tqdm=True,
        use_cpu=True,
    )
    trainer = Trainer(
        model=model,
        args=args,
        train_dataset=train_ds,
        data_collator=TaggingCollator(pad_id=tokenizer.pad_token_id),
    )
    trainer.train()
    print("done; final loss", trainer.state.log_history[-1])


if __name__ == "__main__":
    main()
