import os
import tempfile
from dataclasses import dataclass

import torch
from transformers import (BertConfig, BertForSequenceClassification, BertTokenizer,
                          Trainer, TrainingArguments)

TAGS = ["vegetarian", "spicy", "quick", "dessert", "gluten_free"]

RECIPES = [
    ("lentil curry with chili and coriander", {"vegetarian", "spicy"}),
    ("five minute chocolate mug cake", {"quick", "dessert", "vegetarian"}),
    ("grilled chicken with rice noodles", {"gluten_free"}),
    ("jalapeno beef tacos", {"spicy"}),
    ("almond flour lemon cookies", {"dessert", "gluten_free", "vegetarian"}),
    ("garlic butter shrimp in ten minutes", {"quick", "gluten_free"}),
    ("roasted vegetable lasagna", {"vegetarian"}),
    ("sichuan mapo tofu", {"spicy", "vegetarian"}),
    ("overnight oats with berries", {"quick", "vegetarian", "dessert"}),
    ("pork belly with kimchi", {"spicy"}),
    ("baked salmon with potatoes", {"gluten_free"}),
    ("quick tomato basil pasta", {"quick", "vegetarian"}),
    ("mango sticky rice", {"dessert", "gluten_free", "vegetarian"}),
    ("buffalo cauliflower bites", {"spicy", "vegetarian"}),
    ("steak and eggs", {"quick", "gluten_free"}),
    ("apple crumble with oats", {"dessert", "vegetarian"}),
]


def encode_tags(tag_set):
    return [1 if t in tag_set else 0 for t in TAGS]


def make_vocab(dirname):
    words = sorted({w for title, _ in RECIPES for w in title.split()})
    path = os.path.join(dirname, "vocab.txt")
    with open(path, "w") as fh:
        for w in ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words:
            fh.write(w + "\n")
    return path


@dataclass
class RecipeCollator:
    tokenizer: BertTokenizer
    max_length: int = 20

    def __call__(self, rows):
        titles = [r["title"] for r in rows]
        batch = self.tokenizer(titles, padding=True, truncation=True,
                               max_length=self.max_length, return_tensors="pt")
        batch["labels"] = torch.tensor([r["targets"] for r in rows], dtype=torch.float)
        return batch


def main():
    workdir = tempfile.mkdtemp(prefix="recipes_")
    tokenizer = BertTokenizer(make_vocab(workdir))

    examples = [{"title": title, "targets": encode_tags(tags)} for title, tags in RECIPES]
    split = int(len(examples) * 0.75)
    train_rows, eval_rows = examples[:split], examples[split:]

    config = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=32,
                        num_hidden_layers=1, num_attention_heads=2,
                        intermediate_size=64, max_position_embeddings=64,
                        num_labels=len(TAGS),
                        problem_type="multi_label_classification")
    model = BertForSequenceClassification(config)

    args = TrainingArguments(
        output_dir=os.path.join(workdir, "ckpt"),
        per_device_train_batch_size=4,
        per_device_eval_batch_size=4,
        num_train_epochs=3,
        learning_rate=3e-4,
        eval_strategy="epoch",
        save_strategy="no",
        remove_unused_columns=False,
        report_to=[],
        disable_tqdm=True,
        use_cpu=True,
    )
    trainer = Trainer(model=model, args=args, train_dataset=train_rows,
                      eval_dataset=eval_rows, data_collator=RecipeCollator(tokenizer))
    trainer.train()
    print(trainer.evaluate())


if __name__ == "__main__":
    main()
