"""Federated product-title categorisation across grocery stores.

Each store labels its own catalogue; new product lines are introduced in a
second stage, so the category head grows. Server does FedAvg per round.
"""
import copy
import os
import random
import tempfile

import torch
import torch.nn as nn
import torch.nn.functional as F
from transformers import BertConfig, BertModel, BertTokenizer

random.seed(5)
torch.manual_seed(5)

STAGES = [
    {"dairy": ["milk", "yogurt", "butter", "cheddar"],
     "bakery": ["sourdough", "bagels", "croissant", "rye"],
     "produce": ["apples", "spinach", "carrots", "bananas"]},
    {"pet_care": ["kibble", "catnip", "litter", "chew"],
     "garden": ["compost", "seeds", "trowel", "mulch"]},
]
QUALIFIERS = ["organic", "fresh", "family", "value", "premium", "local", "pack", "large"]
STORES = ["eastgate", "millbrook", "pier_street"]
ROUNDS_PER_STAGE = 2


def write_vocab(folder):
    words = {w for stage in STAGES for items in stage.values() for w in items}
    words |= set(QUALIFIERS)
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + sorted(words)
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(vocab) + "\n")
    return path


def store_catalogue(stage_idx, category_ids, n_per_cat=12):
    rows = []
    for cat, items in STAGES[stage_idx].items():
        for _ in range(n_per_cat):
            title = " ".join(random.sample(QUALIFIERS, 2) + [random.choice(items)])
            rows.append((title, category_ids[cat]))
    random.shuffle(rows)
    return rows


class TitleClassifier(nn.Module):
    def __init__(self, config, n_categories):
        super().__init__()
        self.encoder = BertModel(config, add_pooling_layer=False)
        self.head = nn.Linear(config.hidden_size, n_categories)

    def grow(self, n_new):
        old = self.head
        self.head = nn.Linear(old.in_features, old.out_features + n_new)
        with torch.no_grad():
            self.head.weight[: old.out_features] = old.weight
            self.head.bias[: old.out_features] = old.bias

    def forward(self, enc):
        hidden = self.encoder(**enc).last_hidden_state
        return self.head(hidden[:, 0])


def local_update(global_model, rows, tokenizer, n_known, epochs=2):
    shop_model = copy.deepcopy(global_model)
    if shop_model.head.out_features < n_known:
        shop_model.grow(n_known - shop_model.head.out_features)
    opt = torch.optim.AdamW(shop_model.parameters(), lr=3e-3)
    shop_model.train()
    for _ in range(epochs):
        for i in range(0, len(rows), 8):
            titles, cats = zip(*rows[i:i + 8])
            enc = tokenizer(list(titles), padding=True, return_tensors="pt")
            loss = F.cross_entropy(shop_model(enc), torch.tensor(cats))
            opt.zero_grad()
            loss.backward()
            opt.step()
    return shop_model.state_dict()


def fedavg(states):
    return {k: torch.stack([s[k].float() for s in states]).mean(0).to(states[0][k].dtype)
            for k in states[0]}


@torch.no_grad()
def accuracy(model, rows, tokenizer):
    model.eval()
    titles, cats = zip(*rows)
    enc = tokenizer(list(titles), padding=True, return_tensors="pt")
    return (model(enc).argmax(-1) == torch.tensor(cats)).float().mean().item()


def main():
    workdir = tempfile.mkdtemp()
    tokenizer = BertTokenizer(write_vocab(workdir))
    config = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=1,
                        num_attention_heads=2, intermediate_size=64, max_position_embeddings=16)
    category_ids = {}
    global_model = TitleClassifier(config, n_categories=len(STAGES[0]))
    for stage_idx, stage in enumerate(STAGES):
        for cat in stage:
            category_ids.setdefault(cat, len(category_ids))
        catalogues = {s: store_catalogue(stage_idx, category_ids) for s in STORES}
        holdout = store_catalogue(stage_idx, category_ids, n_per_cat=4)
        for rnd in range(ROUNDS_PER_STAGE):
            states = [local_update(global_model, catalogues[s], tokenizer, len(category_ids))
                      for s in STORES]
            global_model.load_state_dict(fedavg(states))
            acc = accuracy(global_model, holdout, tokenizer)
            print(f"stage {stage_idx} round {rnd}: {len(category_ids)} categories, acc {acc:.3f}")


if __name__ == "__main__":
    main()
