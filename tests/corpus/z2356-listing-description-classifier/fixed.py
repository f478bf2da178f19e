import os
import random

import torch
from torch.utils.data import DataLoader, Dataset
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

SEED = 7
random.seed(SEED)
torch.manual_seed(SEED)

HERE = os.path.dirname(os.path.abspath(__file__))
VOCAB_PATH = os.path.join(HERE, "listing_vocab.txt")

PROPERTY_TYPES = ["apartment", "condo", "townhouse", "detached", "semi-detached", "studio"]
TYPE2ID = {t: i for i, t in enumerate(PROPERTY_TYPES)}

MODEL_CFG = dict(
    hidden_size=32,
    num_hidden_layers=1,
    num_attention_heads=2,
    intermediate_size=64,
    max_position_embeddings=64,
    num_labels=len(PROPERTY_TYPES),
)
TRAIN_CFG = dict(batch_size=8, lr=3e-4, epochs=2, max_len=48)

TEMPLATE_WORDS = {
    "apartment": ["bright", "apartment", "lift", "balcony", "concierge", "floor"],
    "condo": ["condo", "amenities", "gym", "pool", "hoa", "fees"],
    "townhouse": ["townhouse", "three", "storey", "garage", "end", "unit"],
    "detached": ["detached", "family", "home", "large", "garden", "driveway"],
    "semi-detached": ["semi", "detached", "shared", "wall", "garden", "quiet"],
    "studio": ["studio", "compact", "open", "plan", "kitchenette", "central"],
}
COMMON_WORDS = ["close", "to", "schools", "transit", "renovated", "kitchen", "bath",
                "bedroom", "parking", "sunny", "views", "walk", "shops", "new", "roof"]


def write_vocab(path):
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    words = sorted({w for ws in TEMPLATE_WORDS.values() for w in ws} | set(COMMON_WORDS))
    with open(path, "w") as fh:
        fh.write("\n".join(specials + words) + "\n")


def fake_listing(ptype):
    n = random.randint(8, 20)
    words = random.choices(TEMPLATE_WORDS[ptype], k=n // 2) + random.choices(COMMON_WORDS, k=n - n // 2)
    random.shuffle(words)
    return " ".join(words)


def build_listings(n=200):
    rows = []
    for _ in range(n):
        ptype = random.choice(PROPERTY_TYPES)
        rows.append({"description": fake_listing(ptype), "property_type": ptype})
    return rows


class ListingDataset(Dataset):
    def __init__(self, rows, tokenizer, max_len):
        self.rows = rows
        self.enc = tokenizer(
            [r["description"] for r in rows],
            padding="max_length",
            truncation=True,
            max_length=max_len,
            return_tensors="pt",
        )
        self.labels = torch.tensor([TYPE2ID[r["property_type"]] for r in rows])

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, idx):
        item = {k: v[idx] for k, v in self.enc.items()}
        item["labels"] = self.labels[idx]
        return item


def evaluate(model, loader):
    model.eval()
    correct, total = 0, 0
    with torch.no_grad():
        for batch in loader:
            out = model(**batch)
            preds = out.logits.argmax(-1)
            correct += (preds == batch["labels"]).sum().item()
            total += preds.numel()
    model.train()
    return correct / max(total, 1)


def main():
    write_vocab(VOCAB_PATH)
    tokenizer = BertTokenizer(VOCAB_PATH)

    listings = build_listings()
    split = int(0.8 * len(listings))
    train_ds = ListingDataset(listings[:split], tokenizer, TRAIN_CFG["max_len"])
    val_ds = ListingDataset(listings[split:], tokenizer, TRAIN_CFG["max_len"])
    train_loader = DataLoader(train_ds, batch_size=TRAIN_CFG["batch_size"], shuffle=True)
    val_loader = DataLoader(val_ds, batch_size=TRAIN_CFG["batch_size"])

    config = BertConfig(vocab_size=tokenizer.vocab_size, **MODEL_CFG)
    model = BertForSequenceClassification(config)
    optimizer = torch.optim.AdamW(model.parameters(), lr=TRAIN_CFG["lr"])

    for epoch in range(TRAIN_CFG["epochs"]):
        running = 0.0
        for step, batch in enumerate(train_loader):
            out = model(**batch)
            out.loss.backward()
            optimizer.step()
            optimizer.zero_grad()
            running += out.loss.item()
        acc = evaluate(model, val_loader)
        print(f"epoch {epoch} loss {running / len(train_loader):.4f} val_acc {acc:.3f}")


if __name__ == "__main__":
    main()
