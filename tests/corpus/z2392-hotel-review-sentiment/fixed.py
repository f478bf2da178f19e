import os
import random

import torch
import torch.nn as nn
from torch.utils.data import DataLoader, Dataset
from transformers import BertConfig, BertModel, BertTokenizer

torch.manual_seed(7)
random.seed(7)

HERE = os.path.dirname(os.path.abspath(__file__))
VOCAB_PATH = os.path.join(HERE, "review_vocab.txt")

BASE_WORDS = [
    "the", "room", "was", "clean", "dirty", "staff", "friendly", "rude", "breakfast",
    "great", "terrible", "location", "close", "to", "beach", "noisy", "quiet", "bed",
    "comfortable", "small", "pool", "view", "check", "in", "slow", "fast", "wifi",
    "free", "expensive", "cheap", "would", "stay", "again", "never", "and", "but",
    "very", "not", "a", "lovely", "hotel", "resort", "hostel", "service", "food",
]
HOTEL_MARKERS = ["[HOTEL]", "[CITY]", "[STARS_3]", "[STARS_4]", "[STARS_5]"]

POSITIVE = ["clean", "friendly", "great", "quiet", "comfortable", "lovely", "fast", "free"]
NEGATIVE = ["dirty", "rude", "terrible", "noisy", "small", "slow", "expensive", "never"]


def write_vocab(path):
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    with open(path, "w", encoding="utf-8") as fh:
        for tok in specials + BASE_WORDS:
            fh.write(tok + "\n")


def fake_review(label):
    pool = POSITIVE if label == 1 else NEGATIVE
    filler = random.sample(["the", "room", "was", "staff", "breakfast", "location", "bed", "pool", "view", "service"], 4)
    words = filler + random.sample(pool, 3) + random.sample(["and", "but", "very", "not"], 1)
    random.shuffle(words)
    stars = random.choice(HOTEL_MARKERS[2:])
    return f"[HOTEL] {stars} [CITY] " + " ".join(words)


class ReviewDataset(Dataset):
    def __init__(self, n):
        self.labels = [random.randint(0, 1) for _ in range(n)]
        self.texts = [fake_review(y) for y in self.labels]

    def __len__(self):
        return len(self.texts)

    def __getitem__(self, idx):
        return self.texts[idx], self.labels[idx]


def build_tokenizer():
    write_vocab(VOCAB_PATH)
    tok = BertTokenizer(VOCAB_PATH, do_lower_case=True)
    tok.add_tokens(HOTEL_MARKERS, special_tokens=True)
    return tok


class ReviewClassifier(nn.Module):
    def __init__(self, vocab_size, n_classes=2):
        super().__init__()
        cfg = BertConfig(
            vocab_size=vocab_size,
            hidden_size=32,
            num_hidden_layers=1,
            num_attention_heads=2,
            intermediate_size=64,
            max_position_embeddings=64,
        )
        self.encoder = BertModel(cfg)
        self.dropout = nn.Dropout(0.1)
        self.head = nn.Linear(cfg.hidden_size, n_classes)

    def forward(self, input_ids, attention_mask):
        out = self.encoder(input_ids=input_ids, attention_mask=attention_mask)
        cls = out.last_hidden_state[:, 0]
        return self.head(self.dropout(cls))


def make_collate(tokenizer, max_len=32):
    def collate(batch):
        texts, labels = zip(*batch)
        enc = tokenizer(list(texts), padding=True, truncation=True, max_length=max_len, return_tensors="pt")
        return enc["input_ids"], enc["attention_mask"], torch.tensor(labels)
    return collate


def main():
    tokenizer = build_tokenizer()
    train_ds = ReviewDataset(96)
    loader = DataLoader(train_ds, batch_size=16, shuffle=True, collate_fn=make_collate(tokenizer))

    model = ReviewClassifier(vocab_size=len(tokenizer))
    optim = torch.optim.AdamW(model.parameters(), lr=3e-4)
    loss_fn = nn.CrossEntropyLoss()

    for epoch in range(2):
        model.train()
        total, correct, running = 0, 0, 0.0
        for input_ids, attn, labels in loader:
            logits = model(input_ids, attn)
            loss = loss_fn(logits, labels)
            optim.zero_grad()
            loss.backward()
            optim.step()
            running += loss.item() * labels.size(0)
            correct += (logits.argmax(-1) == labels).sum().item()
            total += labels.size(0)
        print(f"epoch {epoch}: loss={running / total:.4f} acc={correct / total:.3f}")


if __name__ == "__main__":
    main()
