import os
import tempfile
from dataclasses import dataclass

import torch
import torch.nn as nn
from transformers import (
    BertConfig,
    BertForTokenClassification,
    BertTokenizer,
    Trainer,
    TrainingArguments,
)

TAG_NAMES = ["O", "B-QTY", "B-UNIT", "B-ING", "I-ING"]
TAG_TO_ID = {t: i for i, t in enumerate(TAG_NAMES)}

RECIPE_LINES = [
    ("2 cups plain flour", "B-QTY B-UNIT B-ING I-ING"),
    ("1 tsp salt", "B-QTY B-UNIT B-ING"),
    ("3 large eggs , beaten", "B-QTY O B-ING O O"),
    ("half cup whole milk", "B-QTY B-UNIT B-ING I-ING"),
    ("200 g unsalted butter , softened", "B-QTY B-UNIT B-ING I-ING O O"),
    ("a pinch of ground nutmeg", "O B-UNIT O B-ING I-ING"),
    ("4 tbsp brown sugar", "B-QTY B-UNIT B-ING I-ING"),
    ("1 lemon , zested", "B-QTY B-ING O O"),
]


def build_vocab_file(folder):
    words = sorted({w for line, _ in RECIPE_LINES for w in line.split()})
    path = os.path.join(folder, "recipe_vocab.txt")
    with open(path, "w") as fh:
        for tok in ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words:
            fh.write(tok + "\n")
    return path


class RecipeLines(torch.utils.data.Dataset):
    def __init__(self, pairs):
        self.items = []
        for line, tags in pairs:
            words = line.split()
            tag_ids = [TAG_TO_ID[t] for t in tags.split()]
            assert len(words) == len(tag_ids), line
            self.items.append({"words": words, "ingredient_tags": tag_ids})

    def __len__(self):
        return len(self.items)

    def __getitem__(self, idx):
        return self.items[idx]


@dataclass
class IngredientCollator:
    tokenizer: BertTokenizer
    tag_pad: int = -100

    def __call__(self, batch):
        enc = self.tokenizer(
            [ex["words"] for ex in batch],
            is_split_into_words=True,
            padding=True,
            return_tensors="pt",
        )
        longest = max(len(ex["ingredient_tags"]) for ex in batch)
        tag_rows = [
            ex["ingredient_tags"] + [self.tag_pad] * (longest - len(ex["ingredient_tags"]))
            for ex in batch
        ]
        enc["tag_targets"] = torch.tensor(tag_rows, dtype=torch.long)
        return dict(enc)


class TaggerTrainer(Trainer):
    def compute_loss(self, model, inputs, return_outputs=False, num_items_in_batch=None):
        tag_targets = inputs.pop("tag_targets")
        out = model(**inputs)
        n_tags = out.logits.size(-1)
        loss = nn.functional.cross_entropy(
            out.logits.view(-1, n_tags),
            tag_targets.view(-1),
            ignore_index=-100,
        )
        return (loss, out) if return_outputs else loss


def main():
    torch.manual_seed(7)
    tmp = tempfile.mkdtemp(prefix="recipes_")
    tokenizer = BertTokenizer(build_vocab_file(tmp))

    cfg = BertConfig(
        vocab_size=tokenizer.vocab_size,
        hidden_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=32,
        num_labels=len(TAG_NAMES),
    )
    tagger = BertForTokenClassification(cfg)

    args = TrainingArguments(
        output_dir=os.path.join(tmp, "ckpt"),
        per_device_train_batch_size=4,
        max_steps=3,
        learning_rate=1e-3,
        logging_steps=1,
        save_strategy="no",
        report_to=[],
        use_cpu=True,
        remove_unused_columns=False,
    )
    trainer = TaggerTrainer(
        model=tagger,
        args=args,
        train_dataset=RecipeLines(RECIPE_LINES),
        data_collator=IngredientCollator(tokenizer),
    )
    result = trainer.train()
    print("trained", result.global_step, "steps, loss", round(result.training_loss, 4))


if __name__ == "__main__":
    main()
