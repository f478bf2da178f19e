"""Fine-tune a tiny BERT tagger to pull quantities / units / ingredients out of recipe lines."""
import os
import random
import tempfile

import numpy as np
import torch
from torch.utils.data import Dataset
from transformers import (BertConfig, BertForTokenClassification, BertTokenizerFast,
                          Trainer, TrainingArguments)

random.seed(0)
np.random.seed(0)
torch.manual_seed(0)

TAGS = ["O", "B-QTY", "B-UNIT", "B-ING", "I-ING"]
tag2id = {t: i for i, t in enumerate(TAGS)}

RECIPE_LINES = [
    ("2 cups chopped onions", "B-QTY B-UNIT O B-ING"),
    ("1 tablespoon olive oil", "B-QTY B-UNIT B-ING I-ING"),
    ("3 cloves garlic minced", "B-QTY B-UNIT B-ING O"),
    ("half teaspoon sea salt", "B-QTY B-UNIT B-ING I-ING"),
    ("4 tablespoons unsalted butter", "B-QTY B-UNIT O B-ING"),
    ("1 cup grated parmesan cheese", "B-QTY B-UNIT O B-ING I-ING"),
    ("2 teaspoons ground cinnamon", "B-QTY B-UNIT O B-ING"),
    ("6 cups chicken stock", "B-QTY B-UNIT B-ING I-ING"),
]

# tiny word-piece vocab covering the recipe lines
pieces = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]",
          "1", "2", "3", "4", "6", "half", "cup", "cups", "table", "tea", "##spoon", "##spoons",
          "clove", "##s", "chopped", "onion", "olive", "oil", "garlic", "mince", "##d",
          "sea", "salt", "un", "##salted", "butter", "grate", "parmesan", "cheese",
          "ground", "cinnamon", "chicken", "stock"]
vocab_dir = tempfile.mkdtemp()
with open(os.path.join(vocab_dir, "vocab.txt"), "w") as f:
    f.write("\n".join(pieces) + "\n")
tokenizer = BertTokenizerFast(os.path.join(vocab_dir, "vocab.txt"))


class RecipeLines(Dataset):
    def __init__(self, rows):
        self.rows = [(line.split(), [tag2id[t] for t in tags.split()]) for line, tags in rows]

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, idx):
        words, tag_ids = self.rows[idx]
        return {"words": words, "tag_ids": tag_ids}


def collate_recipes(batch):
    words = [ex["words"] for ex in batch]
    enc = tokenizer(words, is_split_into_words=True, padding=True, return_tensors="pt")
    labels = []
    for i, ex in enumerate(batch):
        # one label per word piece: the word's tag on its first piece, -100 elsewhere
        prev, row = None, []
        for w in enc.word_ids(i):
            row.append(-100 if w is None or w == prev else ex["tag_ids"][w])
            prev = w
        labels.append(row)
    enc["labels"] = torch.tensor(labels)
    return dict(enc)


config = BertConfig(
    vocab_size=len(pieces), hidden_size=48, num_hidden_layers=2, num_attention_heads=4,
    intermediate_size=96, max_position_embeddings=64,
    num_labels=len(TAGS), id2label=dict(enumerate(TAGS)), label2id=tag2id,
)
model = BertForTokenClassification(config)

args = TrainingArguments(
    output_dir=tempfile.mkdtemp(),
    per_device_train_batch_size=4,
    num_train_epochs=2,
    learning_rate=5e-4,
    logging_steps=1,
    save_strategy="no",
    report_to="none",
    remove_unused_columns=False,
    use_cpu=True,
)

trainer = Trainer(
    model=model,
    args=args,
    train_dataset=RecipeLines(RECIPE_LINES),
    data_collator=collate_recipes,
)
trainer.train()

model.eval()
sample = tokenizer(["3 cups grated cheese".split()], is_split_into_words=True, return_tensors="pt")
with torch.no_grad():
    pred = model(**sample).logits.argmax(-1)[0].tolist()
print([TAGS[p] for p in pred])
