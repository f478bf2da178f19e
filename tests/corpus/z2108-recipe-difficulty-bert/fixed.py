"""Recipe difficulty classifier: predicts easy / medium / hard from the
written method of a recipe, using a tiny BERT trained from scratch."""
import os
import re
import tempfile

import numpy as np
import torch
from torch.utils.data import DataLoader
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

torch.manual_seed(7)

DIFFICULTY = ["easy", "medium", "hard"]

RECIPES = [
    ("Toast the bread. Spread butter and jam on top.", "easy"),
    ("Boil the pasta in salted water. Drain and toss with olive oil and garlic.", "easy"),
    ("Whisk eggs with milk. Pour into a hot pan and stir until set. Season with salt.", "easy"),
    ("Slice the tomatoes and mozzarella. Layer with basil and drizzle with olive oil.", "easy"),
    ("Brown the beef in a pot. Add onion, carrot and celery. Pour in stock and simmer "
     "for two hours. Season and serve with bread.", "medium"),
    ("Marinate the chicken in yogurt and spices overnight. Grill until charred. "
     "Serve with rice and a cucumber salad.", "medium"),
    ("Make a roux with butter and flour. Whisk in warm milk until thick. Stir in cheese, "
     "fold through the pasta and bake until golden.", "medium"),
    ("Sear the duck breast skin side down. Rest, then slice. Reduce the orange juice "
     "with stock and butter to make a glossy sauce.", "medium"),
    ("Make the pastry by rubbing butter into flour, add cold water and chill for an hour. "
     "Roll out and line the tin. Blind bake with beans. Meanwhile make the custard by "
     "heating cream with vanilla, whisking into egg yolks and sugar, then strain. Pour the "
     "custard into the shell and bake at a low heat until just set with a gentle wobble. "
     "Cool completely, then chill overnight before slicing.", "hard"),
    ("Laminate the dough by folding cold butter into it, rolling and folding three times "
     "with a rest in the fridge between each turn. Cut into triangles, roll into "
     "crescents and prove until doubled. Brush with egg and bake until deep golden. "
     "Cool on a rack before serving.", "hard"),
    ("Temper the chocolate by melting, cooling on marble and rewarming. Pipe into moulds, "
     "tap out the air and set. Fill with ganache, seal with more chocolate and chill "
     "before unmoulding.", "hard"),
    ("Debone the whole chicken keeping the skin intact. Spread with stuffing, roll tightly "
     "and tie with string. Roast, basting often, then rest and carve into rounds.", "hard"),
]


def build_vocab_file(texts, folder):
    words = set()
    for t in texts:
        words.update(re.findall(r"[a-z]+|[^\sa-z]", t.lower()))
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    path = os.path.join(folder, "recipe_vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(specials + sorted(words)) + "\n")
    return path


def method_lengths(tokenizer, texts):
    return [len(tokenizer(t)["input_ids"]) for t in texts]


class MethodCollator:
    def __init__(self, tokenizer, max_len):
        self.tokenizer = tokenizer
        self.max_len = max_len

    def __call__(self, batch):
        methods = [m for m, _ in batch]
        grades = torch.tensor([DIFFICULTY.index(g) for _, g in batch])
        enc = self.tokenizer(methods, padding=True, truncation=True,
                             max_length=self.max_len, return_tensors="pt")
        enc["labels"] = grades
        return enc


def train(model, loader, epochs=3):
    opt = torch.optim.AdamW(model.parameters(), lr=3e-4)
    model.train()
    for epoch in range(epochs):
        running = 0.0
        for batch in loader:
            out = model(**batch)
            opt.zero_grad()
            out.loss.backward()
            opt.step()
            running += out.loss.item()
        print(f"epoch {epoch}: loss {running / len(loader):.4f}")


@torch.no_grad()
def evaluate(model, loader):
    model.eval()
    hits, seen = 0, 0
    for batch in loader:
        logits = model(**batch).logits
        hits += (logits.argmax(-1) == batch["labels"]).sum().item()
        seen += batch["labels"].numel()
    return hits / seen


def main():
    workdir = tempfile.mkdtemp(prefix="difficulty_")
    methods = [m for m, _ in RECIPES]
    tokenizer = BertTokenizer(build_vocab_file(methods, workdir))

    lengths = method_lengths(tokenizer, methods)
    # position table covers the typical method length
    max_positions = int(np.percentile(lengths, 75))
    print(f"method lengths: min={min(lengths)} max={max(lengths)} -> positions={max_positions}")

    config = BertConfig(
        vocab_size=tokenizer.vocab_size,
        hidden_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=max_positions,
        num_labels=len(DIFFICULTY),
    )
    model = BertForSequenceClassification(config)

    collate = MethodCollator(tokenizer, max_positions)
    loader = DataLoader(RECIPES, batch_size=4, shuffle=True, collate_fn=collate)
    train(model, loader)
    acc = evaluate(model, DataLoader(RECIPES, batch_size=6, collate_fn=collate))
    print(f"train accuracy: {acc:.2%}")


if __name__ == "__main__":
    main()
