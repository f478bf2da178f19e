#!/usr/bin/env python
"""Multi-label dietary tagging of recipe titles + ingredient lists with a tiny BERT.

    recipetags.py train [--epochs N] [--lr LR] [--threshold T]
    recipetags.py tag   --recipe "..." [--threshold T]
"""
import argparse
import json
import os
import sys
import tempfile

import torch
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

DIET_TAGS = ["vegetarian", "vegan", "gluten_free", "dairy_free", "spicy"]

RECIPES = [
    {"text": "chickpea curry with coconut milk chili and rice", "tags": ["vegetarian", "vegan", "gluten_free", "dairy_free", "spicy"]},
    {"text": "margherita pizza with mozzarella basil and wheat dough", "tags": ["vegetarian"]},
    {"text": "grilled salmon with lemon butter and potatoes", "tags": ["gluten_free"]},
    {"text": "beef tacos with chili salsa and corn tortillas", "tags": ["gluten_free", "dairy_free", "spicy"]},
    {"text": "lentil soup with carrots celery and cumin", "tags": ["vegetarian", "vegan", "gluten_free", "dairy_free"]},
    {"text": "mac and cheese with cheddar and wheat pasta", "tags": ["vegetarian"]},
    {"text": "tofu stir fry with soy sauce ginger and chili", "tags": ["vegetarian", "vegan", "dairy_free", "spicy"]},
    {"text": "chicken caesar salad with parmesan and croutons", "tags": []},
]

SETTINGS = {
    "bert": {"hidden_size": 32, "num_hidden_layers": 1, "num_attention_heads": 2,
             "intermediate_size": 64, "max_position_embeddings": 64},
    "train": {"epochs": 4, "lr": 1e-3, "batch_size": 4},
    "threshold": 0.5,
}


def save_settings(folder):
    path = os.path.join(folder, "recipetags.json")
    with open(path, "w") as fh:
        json.dump(SETTINGS, fh, indent=2)
    return path


def load_settings(path, ns):
    with open(path) as fh:
        settings = json.load(fh)
    for key in ("epochs", "lr"):
        if getattr(ns, key, None) is not None:
            settings["train"][key] = getattr(ns, key)
    if ns.threshold is not None:
        settings["threshold"] = ns.threshold
    return settings


def make_tokenizer(folder, recipes):
    words = sorted({w for r in recipes for w in r["text"].split()})
    vocab_path = os.path.join(folder, "vocab.txt")
    with open(vocab_path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return BertTokenizer(vocab_path)


def make_model(bert_cfg, vocab_size):
    config = BertConfig(vocab_size=vocab_size, num_labels=len(DIET_TAGS),
                        problem_type="multi_label_classification", **bert_cfg)
    return BertForSequenceClassification(config)


def multi_hot(recipes):
    return torch.tensor([[1 if tag in r["tags"] else 0 for tag in DIET_TAGS] for r in recipes])


def minibatches(recipes, size):
    for i in range(0, len(recipes), size):
        yield recipes[i:i + size]


def train(settings, folder):
    torch.manual_seed(11)
    tokenizer = make_tokenizer(folder, RECIPES)
    model = make_model(settings["bert"], tokenizer.vocab_size)
    opt = torch.optim.AdamW(model.parameters(), lr=settings["train"]["lr"])
    model.train()
    for epoch in range(settings["train"]["epochs"]):
        epoch_loss = 0.0
        for group in minibatches(RECIPES, settings["train"]["batch_size"]):
            batch = tokenizer([r["text"] for r in group], padding=True, return_tensors="pt")
            out = model(**batch, labels=multi_hot(group))
            opt.zero_grad()
            out.loss.backward()
            opt.step()
            epoch_loss += out.loss.item()
        print(f"epoch {epoch}: bce {epoch_loss:.4f}")
    return model, tokenizer


def tag_recipe(settings, folder, text):
    model, tokenizer = train(settings, folder)
    model.eval()
    with torch.no_grad():
        probs = torch.sigmoid(model(**tokenizer([text], return_tensors="pt")).logits)[0]
    return [t for t, p in zip(DIET_TAGS, probs.tolist()) if p >= settings["threshold"]]


def parse(argv):
    parser = argparse.ArgumentParser(prog="recipetags")
    sub = parser.add_subparsers(dest="cmd", required=True)
    tr = sub.add_parser("train")
    tr.add_argument("--epochs", type=int)
    tr.add_argument("--lr", type=float)
    tg = sub.add_parser("tag")
    tg.add_argument("--recipe", default="vegetable curry with rice and chili")
    for p in (tr, tg):
        p.add_argument("--threshold", type=float)
    return parser.parse_args(argv)


def main():
    ns = parse(sys.argv[1:] or ["train"])
    folder = tempfile.mkdtemp(prefix="recipetags_")
    settings = load_settings(save_settings(folder), ns)
    if ns.cmd == "train":
        train(settings, folder)
    else:
        print("tags:", tag_recipe(settings, folder, ns.recipe))


if __name__ == "__main__":
    main()
