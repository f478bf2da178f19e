import os
import random
from dataclasses import dataclass

import torch
from torch.utils.data import Dataset, DataLoader
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

SEED = 13
HERE = os.path.dirname(os.path.abspath(__file__))
VOCAB_PATH = os.path.join(HERE, "relevance_vocab.txt")

RATING_LEVELS = (1, 2, 3, 4)  # irrelevant, complement, substitute, exact
MAX_LEN = 32
BATCH_SIZE = 8

BRANDS = ["acme", "zenith", "northpeak", "lumo", "kestrel"]
NOUNS = ["headphones", "charger", "backpack", "kettle", "sneakers", "lamp", "mouse", "keyboard"]
ADJS = ["wireless", "usb", "leather", "stainless", "running", "led", "ergonomic", "mechanical"]
FILLERS = ["black", "white", "pro", "mini", "pack", "for", "with", "men", "women", "2", "3"]


def write_vocab(path):
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    words = sorted(set(BRANDS + NOUNS + ADJS + FILLERS))
    with open(path, "w") as fh:
        fh.write("\n".join(specials + words) + "\n")


@dataclass
class Judgment:
    query: str
    title: str
    rating: int


def synth_judgments(n, rng):
    rows = []
    for _ in range(n):
        noun, adj = rng.choice(NOUNS), rng.choice(ADJS)
        query = f"{adj} {noun}"
        kind = rng.random()
        if kind < 0.35:
            title = f"{rng.choice(BRANDS)} {adj} {noun} {rng.choice(FILLERS)}"
            rating = 4
        elif kind < 0.6:
            title = f"{rng.choice(BRANDS)} {rng.choice(ADJS)} {noun}"
            rating = 3
        elif kind < 0.8:
            title = f"{rng.choice(BRANDS)} {noun} {rng.choice(FILLERS)} {rng.choice(NOUNS)}"
            rating = 2
        else:
            title = f"{rng.choice(BRANDS)} {rng.choice(ADJS)} {rng.choice(NOUNS)}"
            rating = 1
        rows.append(Judgment(query, title, rating))
    return rows


class PairDataset(Dataset):
    def __init__(self, judgments):
        self.judgments = judgments

    def __len__(self):
        return len(self.judgments)

    def __getitem__(self, idx):
        j = self.judgments[idx]
        return {"query": j.query, "title": j.title, "label": j.rating - 1}


def make_collate(tokenizer):
    def collate(items):
        enc = tokenizer(
            [it["query"] for it in items],
            [it["title"] for it in items],
            padding="max_length",
            truncation=True,
            max_length=MAX_LEN,
            return_tensors="pt",
        )
        enc["labels"] = torch.tensor([it["label"] for it in items], dtype=torch.long)
        return enc
    return collate


def build_model(tokenizer):
    cfg = BertConfig(
        vocab_size=tokenizer.vocab_size,
        hidden_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=64,
        num_labels=len(RATING_LEVELS),
    )
    return BertForSequenceClassification(cfg)


@torch.no_grad()
def evaluate(model, loader):
    model.eval()
    correct = total = 0
    for batch in loader:
        out = model(**batch)
        pred = out.logits.argmax(-1)
        correct += (pred == batch["labels"]).sum().item()
        total += batch["labels"].numel()
    model.train()
    return correct / max(total, 1)


def main():
    random.seed(SEED)
    torch.manual_seed(SEED)
    rng = random.Random(SEED)

    write_vocab(VOCAB_PATH)
    tokenizer = BertTokenizer(VOCAB_PATH)

    judgments = synth_judgments(240, rng)
    split = int(0.8 * len(judgments))
    train_ds, dev_ds = PairDataset(judgments[:split]), PairDataset(judgments[split:])
    collate = make_collate(tokenizer)
    train_loader = DataLoader(train_ds, batch_size=BATCH_SIZE, shuffle=True, collate_fn=collate)
    dev_loader = DataLoader(dev_ds, batch_size=32, collate_fn=collate)

    model = build_model(tokenizer)
    optim = torch.optim.AdamW(model.parameters(), lr=3e-4, weight_decay=0.01)

    for epoch in range(2):
        running = 0.0
        for step, batch in enumerate(train_loader):
            out = model(**batch)
            out.loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optim.step()
            optim.zero_grad()
            running += out.loss.item()
        acc = evaluate(model, dev_loader)
        print(f"epoch {epoch} loss {running / (step + 1):.4f} dev_acc {acc:.3f}")


if __name__ == "__main__":
    main()
