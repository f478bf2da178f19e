import os
import tempfile
from dataclasses import dataclass, field

import torch
from accelerate import Accelerator
from torch.utils.data import DataLoader
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

torch.manual_seed(11)
DIET_TAGS = ["vegan", "gluten_free", "spicy", "dessert"]


@dataclass
class Recipe:
    title: str
    tags: list = field(default_factory=list)


RECIPES = [
    Recipe("chickpea curry with coconut milk and chili", ["vegan", "gluten_free", "spicy"]),
    Recipe("lentil soup with cumin", ["vegan", "gluten_free"]),
    Recipe("spicy tofu stir fry with rice noodles", ["vegan", "gluten_free", "spicy"]),
    Recipe("chocolate brownies with walnuts", ["dessert"]),
    Recipe("almond flour lemon cake", ["gluten_free", "dessert"]),
    Recipe("beef chili with jalapeno", ["gluten_free", "spicy"]),
    Recipe("classic margherita pizza", []),
    Recipe("banana oat cookies without eggs", ["vegan", "dessert"]),
    Recipe("buffalo chicken wings with hot sauce", ["gluten_free", "spicy"]),
    Recipe("creamy mushroom pasta", []),
    Recipe("mango sorbet with lime", ["vegan", "gluten_free", "dessert"]),
    Recipe("pepperoni sandwich on rye", []),
] * 3

work = tempfile.mkdtemp()
with open(os.path.join(work, "vocab.txt"), "w") as fh:
    words = sorted({w for r in RECIPES for w in r.title.split()})
    fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
tokenizer = BertTokenizer(os.path.join(work, "vocab.txt"))


class RecipeCollator:
    def __init__(self, tok, tags, max_len=32):
        self.tok = tok
        self.tags = tags
        self.max_len = max_len

    def __call__(self, batch):
        enc = self.tok([r.title for r in batch], padding=True, truncation=True,
                       max_length=self.max_len, return_tensors="pt")
        multi_hot = torch.tensor([[1 if t in r.tags else 0 for t in self.tags] for r in batch])
        return {"enc": enc, "targets": multi_hot}


config = BertConfig(vocab_size=len(tokenizer), hidden_size=32, num_hidden_layers=1,
                    num_attention_heads=2, intermediate_size=64, max_position_embeddings=64,
                    num_labels=len(DIET_TAGS))
tagger = BertForSequenceClassification(config)
optimizer = torch.optim.AdamW(tagger.parameters(), lr=5e-4)
criterion = torch.nn.BCEWithLogitsLoss()
train_dl = DataLoader(RECIPES, batch_size=6, shuffle=True,
                      collate_fn=RecipeCollator(tokenizer, DIET_TAGS))

accelerator = Accelerator(cpu=True)
tagger, optimizer, train_dl = accelerator.prepare(tagger, optimizer, train_dl)


def train_epoch(epoch):
    tagger.train()
    total = 0.0
    for step, batch in enumerate(train_dl):
        out = tagger(**batch["enc"])
        loss = criterion(out.logits, batch["targets"])
        accelerator.backward(loss)
        optimizer.step()
        optimizer.zero_grad()
        total += loss.item()
    return total / (step + 1)


for epoch in range(3):
    avg = train_epoch(epoch)
    accelerator.print(f"epoch {epoch} bce={avg:.4f}")
