import os
import tempfile
from dataclasses import dataclass

import torch
from torch import nn
from transformers import (
    BertConfig,
    BertForTokenClassification,
    BertTokenizer,
    Trainer,
    TrainingArguments,
)

torch.manual_seed(0)

TAGS = ["O", "QTY", "UNIT", "ING", "PREP"]
TAG2ID = {t: i for i, t in enumerate(TAGS)}

# (ingredient line, tag per word)
RECIPE_LINES = [
    ("2 cups flour sifted", "QTY UNIT ING PREP"),
    ("1 tsp salt", "QTY UNIT ING"),
    ("3 large eggs beaten", "QTY O ING PREP"),
    ("half cup sugar", "QTY UNIT ING"),
    ("200 g butter softened", "QTY UNIT ING PREP"),
    ("1 pinch of nutmeg", "QTY UNIT O ING"),
    ("2 tbsp olive oil", "QTY UNIT ING ING"),
    ("4 cloves garlic minced finely", "QTY UNIT ING PREP PREP"),
    ("1 can chopped tomatoes", "QTY UNIT PREP ING"),
    ("500 ml milk warmed", "QTY UNIT ING PREP"),
    ("a handful of basil torn", "QTY UNIT O ING PREP"),
    ("3 cups rice rinsed", "QTY UNIT ING PREP"),
]

workdir = tempfile.mkdtemp(prefix="recipes_")
vocab_file = os.path.join(workdir, "vocab.txt")
words = sorted({w for line, _ in RECIPE_LINES for w in line.split()})
with open(vocab_file, "w") as fh:
    fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
tokenizer = BertTokenizer(vocab_file)

ingredient_rows = [
    {"words": line.split(), "tag_ids": [TAG2ID[t] for t in tags.split()]}
    for line, tags in RECIPE_LINES
]


class IngredientLines(torch.utils.data.Dataset):
    def __init__(self, rows):
        self.rows = rows

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, i):
        return self.rows[i]


@dataclass
class IngredientCollator:
    tokenizer: BertTokenizer
    tag_pad: int = -100

    def __call__(self, batch):
        encoded = self.tokenizer(
            [ex["words"] for ex in batch],
            is_split_into_words=True,
            padding=True,
            return_tensors="pt",
        )
        width = encoded["input_ids"].size(1)
        tag_matrix = torch.full((len(batch), width), self.tag_pad, dtype=torch.long)
        for row, ex in enumerate(batch):
            tag_matrix[row, 1 : len(ex["tag_ids"]) + 1] = torch.tensor(ex["tag_ids"])
        encoded["labels"] = tag_matrix
        return dict(encoded)


class SmoothedTaggerTrainer(Trainer):
    def compute_loss(self, model, inputs, return_outputs=False, num_items_in_batch=None):
        gold = inputs.pop("labels")
        out = model(**inputs)
        criterion = nn.CrossEntropyLoss(ignore_index=-100, label_smoothing=0.1)
        n_tags = out.logits.size(-1)
        loss = criterion(out.logits.view(-1, n_tags), gold.view(-1))
        return (loss, out) if return_outputs else loss


config = BertConfig(
    vocab_size=tokenizer.vocab_size,
    hidden_size=32,
    num_hidden_layers=1,
    num_attention_heads=2,
    intermediate_size=64,
    max_position_embeddings=32,
    num_labels=len(TAGS),
)
tagger = BertForTokenClassification(config)

training_args = TrainingArguments(
    output_dir=os.path.join(workdir, "ckpt"),
    per_device_train_batch_size=4,
    max_steps=5,
    learning_rate=1e-3,
    logging_steps=1,
    use_cpu=True,
    report_to=[],
    remove_unused_columns=False,
    save_strategy="no",
)

trainer = SmoothedTaggerTrainer(
    model=tagger,
    args=training_args,
    train_dataset=IngredientLines(ingredient_rows),
    data_collator=IngredientCollator(tokenizer),
)
trainer.train()

tagger.eval()
probe = tokenizer(["2", "cups", "flour", "sifted"], is_split_into_words=True, return_tensors="pt")
with torch.no_grad():
    pred = tagger(**probe).logits.argmax(-1)[0, 1:-1]
print([TAGS[i] for i in pred.tolist()])
