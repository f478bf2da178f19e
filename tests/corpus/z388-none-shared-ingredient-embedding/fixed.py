"""Cuisine classifier: recipe title + ingredient list -> cuisine.

Text goes through a small BERT, the ingredient list goes through a bag-of-
embeddings tower, both are concatenated and classified.  Trained with the
HF Trainer on synthetic recipes.
"""
import os
import random
import tempfile

import torch
import torch.nn as nn
from torch.utils.data import Dataset
from transformers import BertConfig, BertModel, BertTokenizer, Trainer, TrainingArguments

random.seed(7)
torch.manual_seed(7)

CUISINES = ["italian", "mexican", "thai", "indian", "french", "japanese"]
TITLE_WORDS = ["spicy", "creamy", "baked", "grilled", "slow", "cooked", "fresh", "crispy",
               "chicken", "beef", "tofu", "noodles", "rice", "soup", "salad", "curry", "tacos",
               "pasta", "stew", "pie", "with", "and", "garlic", "lime", "basil", "coconut"]
NUM_INGREDIENTS = 480          # size of the ingredient catalogue (id 0 = padding)
MAX_INGREDIENTS = 12
MAX_TITLE_LEN = 16

workdir = tempfile.mkdtemp(prefix="cuisine_")
vocab_path = os.path.join(workdir, "vocab.txt")
with open(vocab_path, "w") as fh:
    fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + TITLE_WORDS) + "\n")
tokenizer = BertTokenizer(vocab_path)


def make_recipe():
    cuisine = random.randrange(len(CUISINES))
    title = " ".join(random.choices(TITLE_WORDS, k=random.randint(3, 7)))
    n = random.randint(4, MAX_INGREDIENTS)
    # each cuisine draws mostly from its own slice of the catalogue
    lo = 1 + cuisine * 70
    ingredients = [random.randint(lo, lo + 90) if random.random() < 0.8
                   else random.randint(1, NUM_INGREDIENTS - 1) for _ in range(n)]
    return title, ingredients, cuisine


class RecipeDataset(Dataset):
    def __init__(self, n_recipes):
        self.rows = [make_recipe() for _ in range(n_recipes)]

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, idx):
        title, ingredients, cuisine = self.rows[idx]
        enc = tokenizer(title, padding="max_length", truncation=True,
                        max_length=MAX_TITLE_LEN, return_tensors="pt")
        ing = torch.zeros(MAX_INGREDIENTS, dtype=torch.long)
        ing[:len(ingredients)] = torch.tensor(ingredients)
        return {
            "input_ids": enc["input_ids"][0],
            "attention_mask": enc["attention_mask"][0],
            "ingredient_ids": ing,
            "labels": torch.tensor(cuisine),
        }


class CuisineClassifier(nn.Module):
    def __init__(self, bert_config, n_cuisines):
        super().__init__()
        self.encoder = BertModel(bert_config)
        hidden = bert_config.hidden_size
        self.ingredient_table = nn.Embedding(NUM_INGREDIENTS, hidden, padding_idx=0)
        self.head = nn.Sequential(nn.Linear(2 * hidden, hidden), nn.GELU(),
                                  nn.Linear(hidden, n_cuisines))
        self.loss_fn = nn.CrossEntropyLoss()

    def forward(self, input_ids, attention_mask, ingredient_ids, labels=None):
        text_vec = self.encoder(input_ids=input_ids,
                                attention_mask=attention_mask).last_hidden_state[:, 0]
        present = (ingredient_ids > 0).unsqueeze(-1).float()
        ing_vecs = self.ingredient_table(ingredient_ids) * present
        ing_vec = ing_vecs.sum(1) / present.sum(1).clamp(min=1.0)
        logits = self.head(torch.cat([text_vec, ing_vec], dim=-1))
        out = {"logits": logits}
        if labels is not None:
            out["loss"] = self.loss_fn(logits, labels)
        return out


config = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=1,
                    num_attention_heads=2, intermediate_size=64, max_position_embeddings=64,
                    pad_token_id=tokenizer.pad_token_id)
model = CuisineClassifier(config, len(CUISINES))

train_ds = RecipeDataset(160)
args = TrainingArguments(
    output_dir=os.path.join(workdir, "out"),
    per_device_train_batch_size=16,
    num_train_epochs=1,
    learning_rate=3e-4,
    logging_steps=5,
    save_strategy="no",
    report_to=[],
    disable_tqdm=True,
    use_cpu=True,
)
trainer = Trainer(model=model, args=args, train_dataset=train_ds)
result = trainer.train()
print("final train loss:", round(result.training_loss, 4))
