import os
import random
import tempfile

import torch
from torch.utils.data import Dataset
from transformers import (
    BertConfig,
    BertForTokenClassification,
    BertTokenizer,
    Trainer,
    TrainingArguments,
)

TAGSET = ["O", "B-QTY", "B-UNIT", "B-ING", "I-ING"]
MAXLEN = 24
MAX_WORDS = 12

QTYS = ["1", "2", "3", "half", "a"]
UNITS = ["cup", "cups", "tbsp", "tsp", "gram", "grams", "pinch"]
INGREDIENTS = [["flour"], ["sugar"], ["olive", "oil"], ["sea", "salt"], ["butter"], ["baking", "soda"]]
FILLERS = ["of", "finely", "chopped", "sifted", "melted"]


def make_recipes(n, seed=13):
    rng = random.Random(seed)
    rows = []
    for _ in range(n):
        words, tags = [rng.choice(QTYS)], ["B-QTY"]
        words.append(rng.choice(UNITS)); tags.append("B-UNIT")
        if rng.random() < 0.5:
            words.append(rng.choice(FILLERS)); tags.append("O")
        ing = rng.choice(INGREDIENTS)
        words.extend(ing)
        tags.extend(["B-ING"] + ["I-ING"] * (len(ing) - 1))
        rows.append({"words": words, "tags": tags})
    return rows


def build_tokenizer(workdir):
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    for group in (QTYS, UNITS, FILLERS):
        vocab.extend(group)
    for ing in INGREDIENTS:
        vocab.extend(ing)
    path = os.path.join(workdir, "vocab.txt")
    with open(path, "w") as f:
        f.write("\n".join(dict.fromkeys(vocab)) + "\n")
    return BertTokenizer(path)


class IngredientDataset(Dataset):
    def __init__(self, rows, tok):
        self.examples = []
        for row in rows:
            enc = tok(row["words"], is_split_into_words=True, padding="max_length",
                      truncation=True, max_length=MAXLEN)
            word_labels = [TAGSET.index(t) for t in row["tags"]]
            labels = [-100 if w is None else word_labels[w] for w in enc.word_ids()]
            self.examples.append({
                "input_ids": torch.tensor(enc["input_ids"]),
                "attention_mask": torch.tensor(enc["attention_mask"]),
                "labels": torch.tensor(labels),
            })

    def __len__(self):
        return len(self.examples)

    def __getitem__(self, i):
        return self.examples[i]


def main():
    torch.manual_seed(0)
    workdir = tempfile.mkdtemp()
    tok = build_tokenizer(workdir)
    train_ds = IngredientDataset(make_recipes(48), tok)

    config = BertConfig(vocab_size=tok.vocab_size, hidden_size=32, num_hidden_layers=1,
                        num_attention_heads=2, intermediate_size=64,
                        num_labels=len(TAGSET))
    model = BertForTokenClassification(config)

    args = TrainingArguments(
        output_dir=os.path.join(workdir, "out"),
        per_device_train_batch_size=8,
        num_train_epochs=1,
        learning_rate=5e-4,
        save_strategy="no",
        report_to=[],
        disable_tqdm=True,
        use_cpu=True,
    )
    trainer = Trainer(model=model, args=args, train_dataset=train_ds)
    result = trainer.train()
    print("train loss:", result.training_loss)


if __name__ == "__main__":
    main()
