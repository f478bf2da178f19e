"""Colony-health triage from free-text inspection notes.

Beekeepers type short notes after each hive inspection. A tiny BERT encoder with an
attention-pooling head routes each note to one of a few health categories so the
bee inspector can prioritise follow-up visits.
"""
import os
import random

import torch
import torch.nn as nn
from transformers import BertConfig, BertModel, BertTokenizer

random.seed(3)
torch.manual_seed(3)

HERE = os.path.dirname(os.path.abspath(__file__))
VOCAB_PATH = os.path.join(HERE, "apiary_vocab.txt")

HEALTH = {"healthy": 0, "queenless": 1, "varroa": 2, "brood_disease": 3}

TEMPLATES = {
    "healthy": [
        "strong colony eggs seen on {n} frames queen spotted calm bees",
        "good brood pattern {n} frames of stores added super",
        "bees calm capped honey on {n} frames no issues",
    ],
    "queenless": [
        "no eggs no queen seen emergency cells on {n} frames",
        "roaring colony no brood laying workers suspected",
        "queen cells on {n} frames no eggs bees agitated",
    ],
    "varroa": [
        "mite drop {n} per day on board deformed wings seen",
        "sugar roll count {n} mites treat with oxalic",
        "varroa on drones deformed wing virus {n} frames",
    ],
    "brood_disease": [
        "spotty brood sunken cappings on {n} frames ropey test positive",
        "chalkbrood mummies at entrance {n} frames affected",
        "perforated cappings foul smell {n} frames send sample",
    ],
}

SPECIAL = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]


def write_vocab(path):
    words = set()
    for temps in TEMPLATES.values():
        for t in temps:
            words.update(w for w in t.replace("{n}", "").split())
    words.update(str(i) for i in range(1, 13))
    with open(path, "w") as f:
        f.write("\n".join(SPECIAL + sorted(words)) + "\n")


def make_notes(n_notes):
    notes = []
    for _ in range(n_notes):
        label = random.choice(list(HEALTH))
        text = random.choice(TEMPLATES[label]).format(n=random.randint(1, 12))
        if random.random() < 0.3:
            text += " " + random.choice(TEMPLATES["healthy"]).format(n=random.randint(1, 12))
        notes.append((text, HEALTH[label]))
    return notes


class AttentionPool(nn.Module):
    def __init__(self, hidden):
        super().__init__()
        self.score = nn.Linear(hidden, 1)

    def forward(self, hidden_states, pad_mask):
        scores = self.score(hidden_states)
        scores = scores.masked_fill(pad_mask.unsqueeze(-1), -1e4)
        weights = torch.softmax(scores, dim=1)
        return (weights * hidden_states).sum(dim=1)


class NoteTriage(nn.Module):
    def __init__(self, config, n_classes):
        super().__init__()
        self.encoder = BertModel(config, add_pooling_layer=False)
        self.pool = AttentionPool(config.hidden_size)
        self.classifier = nn.Linear(config.hidden_size, n_classes)

    def forward(self, input_ids, attention_mask):
        out = self.encoder(input_ids=input_ids, attention_mask=attention_mask)
        pad_mask = attention_mask == 0
        pooled = self.pool(out.last_hidden_state, pad_mask)
        return self.classifier(pooled)


def batches(notes, tokenizer, batch_size, max_len):
    for i in range(0, len(notes), batch_size):
        chunk = notes[i:i + batch_size]
        enc = tokenizer(
            [t for t, _ in chunk],
            padding=True,
            truncation=True,
            max_length=max_len,
            return_tensors="pt",
        )
        yield enc, torch.tensor([y for _, y in chunk])


def main():
    write_vocab(VOCAB_PATH)
    tokenizer = BertTokenizer(VOCAB_PATH)
    config = BertConfig(
        vocab_size=tokenizer.vocab_size,
        hidden_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=64,
    )
    model = NoteTriage(config, n_classes=len(HEALTH))
    optim = torch.optim.AdamW(model.parameters(), lr=5e-4)
    loss_fn = nn.CrossEntropyLoss()

    notes = make_notes(96)
    print(f"{len(notes)} notes, vocab size {tokenizer.vocab_size}")
    model.train()
    for epoch in range(3):
        random.shuffle(notes)
        total = 0.0
        for enc, labels in batches(notes, tokenizer, batch_size=12, max_len=48):
            logits = model(enc["input_ids"], enc["attention_mask"])
            loss = loss_fn(logits, labels)
            optim.zero_grad()
            loss.backward()
            optim.step()
            total += loss.item()
        print(f"epoch {epoch}: mean loss {total / 8:.4f}")


if __name__ == "__main__":
    main()
