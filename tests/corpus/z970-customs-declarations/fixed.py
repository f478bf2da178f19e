"""Customs declaration line items -> tariff section, retrained on demand.

The broker's back office POSTs a batch of labelled goods descriptions; the function fits a small
bag-of-embeddings classifier on them and returns training loss plus predictions for new lines.
"""
import random
import re

import torch
import torch.nn as nn
from torch.nn.utils.rnn import pad_sequence

PAD, UNK = 0, 1


def simple_tokens(text):
    return re.findall(r"[a-z0-9]+", text.lower())


class WordIndex:
    def __init__(self, texts):
        self.stoi = {"<pad>": PAD, "<unk>": UNK}
        for t in texts:
            for w in simple_tokens(t):
                self.stoi.setdefault(w, len(self.stoi))

    def __len__(self):
        return len(self.stoi)

    def encode(self, text):
        return torch.tensor([self.stoi.get(w, UNK) for w in simple_tokens(text)] or [UNK])


class TariffClassifier(nn.Module):
    def __init__(self, n_words, dim, n_sections):
        super().__init__()
        self.emb = nn.Embedding(n_words, dim, padding_idx=PAD)
        self.drop = nn.Dropout(0.1)
        self.out = nn.Linear(dim, n_sections)

    def forward(self, word_ids):
        present = (word_ids != PAD).unsqueeze(-1).float()
        summed = (self.emb(word_ids) * present).sum(1)
        avg = summed / present.sum(1).clamp(min=1.0)
        return self.out(self.drop(avg))


def minibatches(pairs, size, shuffle=True):
    order = list(range(len(pairs)))
    if shuffle:
        random.shuffle(order)
    for start in range(0, len(order), size):
        chunk = [pairs[i] for i in order[start:start + size]]
        words = pad_sequence([w for w, _ in chunk], batch_first=True, padding_value=PAD)
        sections = torch.tensor([s for _, s in chunk])
        yield words, sections


def train(model, pairs, epochs, lr, batch_size):
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    loss_fn = nn.CrossEntropyLoss()
    last = None
    for epoch in range(epochs):
        model.train()
        total = 0.0
        for words, sections in minibatches(pairs, batch_size):
            opt.zero_grad()
            loss = loss_fn(model(words), sections)
            loss.backward()
            opt.step()
            total += loss.item()
        last = total
        print(f"[tariff] epoch {epoch + 1}/{epochs} loss={total:.4f}")
    return last


def handler(event, context):
    params = event.get("params", {})
    random.seed(params.get("seed", 3))
    torch.manual_seed(params.get("seed", 3))

    descriptions = event["texts"]
    section_names = event["labels"]
    section_index = {name: i for i, name in enumerate(sorted(set(section_names)))}
    words = WordIndex(descriptions)
    pairs = [(words.encode(d), section_index[s]) for d, s in zip(descriptions, section_names)]
    print(f"[tariff] {len(pairs)} lines, {len(section_index)} sections, vocab={len(words)}")

    model = TariffClassifier(len(words), params.get("dim", 24), len(section_index))
    final_loss = train(model, pairs, params.get("epochs", 3), params.get("lr", 0.05),
                       params.get("batch_size", 4))

    model.eval()
    inverse = {i: n for n, i in section_index.items()}
    preds = []
    with torch.no_grad():
        for line in event.get("predict", []):
            k = int(model(words.encode(line).unsqueeze(0)).argmax(-1))
            preds.append({"line": line, "section": inverse.get(k, "?")})
    return {"statusCode": 200, "loss": final_loss, "predictions": preds}


if __name__ == "__main__":
    event = {
        "texts": [
            "frozen atlantic salmon fillets", "fresh chilled cod whole",
            "cotton t shirts knitted mens", "wool sweaters womens knitted",
            "lithium ion battery packs", "laptop power adapters",
            "stainless steel kitchen knives", "steel bolts and nuts",
            "roasted coffee beans", "green tea leaves packed",
        ],
        "labels": [
            "animal_products", "animal_products", "textiles", "textiles",
            "machinery", "machinery", "base_metals", "base_metals",
            "vegetable_products", "vegetable_products",
        ],
        "predict": ["smoked salmon", "steel screws", "cotton socks"],
        "params": {"num_classes": 4, "dim": 24, "epochs": 3, "lr": 0.05,
                   "batch_size": 4, "seed": 3},
    }
    out = handler(event, None)
    print(out["predictions"])
