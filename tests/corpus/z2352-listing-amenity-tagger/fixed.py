import os
import random

import torch
import torch.nn as nn
from torch.utils.data import Dataset, DataLoader
from transformers import BertConfig, BertModel, BertTokenizer

SEED = 11
random.seed(SEED)
torch.manual_seed(SEED)

HERE = os.path.dirname(os.path.abspath(__file__))
VOCAB_PATH = os.path.join(HERE, "listing_vocab.txt")

TAGS = ["O", "B-BEDS", "I-BEDS", "B-PARKING", "I-PARKING",
        "B-KITCHEN", "I-KITCHEN", "B-OUTDOOR", "I-OUTDOOR"]
TAG2ID = {t: i for i, t in enumerate(TAGS)}

FILLER = ["bright", "spacious", "renovated", "charming", "condo", "townhouse",
          "bungalow", "with", "and", "in", "a", "quiet", "street", "close",
          "to", "schools", "shops", "move", "ready", "must", "see", "unit"]
SPANS = {
    "BEDS": [["3", "bedrooms"], ["two", "bedrooms"], ["4", "bed"], ["studio"]],
    "PARKING": [["double", "garage"], ["driveway", "parking"], ["carport"]],
    "KITCHEN": [["granite", "countertops"], ["chef", "kitchen"], ["island"]],
    "OUTDOOR": [["fenced", "yard"], ["rooftop", "deck"], ["balcony"], ["patio"]],
}


def write_vocab(path):
    words = set(FILLER)
    for spans in SPANS.values():
        for s in spans:
            words.update(s)
    with open(path, "w") as fh:
        for tok in ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + sorted(words):
            fh.write(tok + "\n")


def fake_listing():
    words, tags = [], []
    kinds = random.sample(list(SPANS), k=random.randint(1, 4))
    for kind in kinds:
        for _ in range(random.randint(1, 4)):
            words.append(random.choice(FILLER))
            tags.append("O")
        span = random.choice(SPANS[kind])
        words.extend(span)
        tags.extend(["B-" + kind] + ["I-" + kind] * (len(span) - 1))
    for _ in range(random.randint(0, 5)):
        words.append(random.choice(FILLER))
        tags.append("O")
    return words, tags


class ListingTagDataset(Dataset):
    def __init__(self, n, tokenizer, max_len=48):
        self.items = [fake_listing() for _ in range(n)]
        self.tok = tokenizer
        self.max_len = max_len

    def __len__(self):
        return len(self.items)

    def __getitem__(self, idx):
        words, tags = self.items[idx]
        enc = self.tok(words, is_split_into_words=True, truncation=True,
                       padding="max_length", max_length=self.max_len)
        labels, prev = [], None
        for wid in enc.word_ids():
            if wid is None or wid == prev:
                labels.append(-100)
            else:
                labels.append(TAG2ID[tags[wid]])
            prev = wid
        return {
            "input_ids": torch.tensor(enc["input_ids"]),
            "attention_mask": torch.tensor(enc["attention_mask"]),
            "labels": torch.tensor(labels),
        }


class AmenityTagger(nn.Module):
    def __init__(self, vocab_size, n_tags):
        super().__init__()
        cfg = BertConfig(vocab_size=vocab_size, hidden_size=32, num_hidden_layers=1,
                         num_attention_heads=2, intermediate_size=64,
                         max_position_embeddings=64)
        self.encoder = BertModel(cfg, add_pooling_layer=False)
        self.dropout = nn.Dropout(0.1)
        self.head = nn.Linear(cfg.hidden_size, n_tags)

    def forward(self, input_ids, attention_mask):
        hidden = self.encoder(input_ids=input_ids,
                              attention_mask=attention_mask).last_hidden_state
        return self.head(self.dropout(hidden))


def train_epoch(model, loader, optimizer, loss_fn):
    model.train()
    total = 0.0
    for step, batch in enumerate(loader):
        logits = model(batch["input_ids"], batch["attention_mask"])
        loss = loss_fn(logits.transpose(1, 2), batch["labels"])
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        total += loss.item()
        if step % 3 == 0:
            print(f"step {step:3d}  loss {loss.item():.4f}")
    return total / max(1, len(loader))


def main():
    write_vocab(VOCAB_PATH)
    tokenizer = BertTokenizer(VOCAB_PATH)
    ds = ListingTagDataset(96, tokenizer)
    loader = DataLoader(ds, batch_size=16, shuffle=True)

    model = AmenityTagger(tokenizer.vocab_size, len(TAGS))
    optimizer = torch.optim.AdamW(model.parameters(), lr=3e-4)
    loss_fn = nn.CrossEntropyLoss(ignore_index=-100)

    for epoch in range(2):
        avg = train_epoch(model, loader, optimizer, loss_fn)
        print(f"epoch {epoch} avg loss {avg:.4f}")


if __name__ == "__main__":
    main()
