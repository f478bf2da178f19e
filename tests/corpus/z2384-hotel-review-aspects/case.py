"""Aspect classifier for hotel guest reviews (cleanliness / staff / location / noise / value)."""
import os
import random

import torch
import torch.nn as nn
import torch.nn.functional as F
from transformers import BertTokenizer

SEED = 13
random.seed(SEED)
torch.manual_seed(SEED)

ASPECTS = ["cleanliness", "staff", "location", "noise", "value"]
MAX_LEN = 32
EMB_DIM = 64
N_HEADS = 4
N_LAYERS = 2
DEVICE = torch.device("cpu")

SNIPPETS = {
    "cleanliness": ["the room was dirty", "spotless bathroom", "stained sheets", "very clean towels"],
    "staff": ["reception was rude", "friendly concierge", "helpful front desk", "slow check in"],
    "location": ["close to the beach", "far from the station", "great view of the old town", "walking distance to museums"],
    "noise": ["noisy street at night", "thin walls", "quiet room", "loud air conditioning"],
    "value": ["overpriced breakfast", "good value for money", "expensive parking", "cheap and cheerful"],
}


def write_vocab(path):
    words = set()
    for phrases in SNIPPETS.values():
        for p in phrases:
            words.update(p.split())
    words.update(["and", "but", "we", "stayed", "two", "nights", "overall"])
    special = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    with open(path, "w") as f:
        f.write("\n".join(special + sorted(words)) + "\n")


def make_reviews(n):
    rows = []
    for _ in range(n):
        # skewed aspect distribution, as in real review dumps
        aspect = random.choices(ASPECTS, weights=[0.35, 0.3, 0.15, 0.12, 0.08])[0]
        other = random.choice(ASPECTS)
        text = f"we stayed two nights {random.choice(SNIPPETS[aspect])} and {random.choice(SNIPPETS[other])} overall"
        rows.append((text, ASPECTS.index(aspect)))
    return rows


class ReviewAspectClassifier(nn.Module):
    def __init__(self, vocab_size, n_classes, max_len=MAX_LEN, dim=EMB_DIM):
        super().__init__()
        self.tok_emb = nn.Embedding(vocab_size, dim, padding_idx=0)
        self.pos_emb = nn.Embedding(max_len, dim)
        layer = nn.TransformerEncoderLayer(dim, N_HEADS, dim_feedforward=dim * 2, batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, N_LAYERS, enable_nested_tensor=False)
        self.dropout = nn.Dropout(0.1)
        self.head = nn.Linear(dim, n_classes)

    def forward(self, input_ids, attention_mask):
        pos = torch.arange(input_ids.size(1), device=input_ids.device).unsqueeze(0)
        x = self.tok_emb(input_ids) + self.pos_emb(pos)
        x = self.encoder(x, src_key_padding_mask=attention_mask == 0)
        m = attention_mask.unsqueeze(-1).float()
        pooled = (x * m).sum(1) / m.sum(1).clamp(min=1.0)
        return self.head(self.dropout(pooled))


def init_weights(module):
    if isinstance(module, (nn.Linear, nn.Embedding, nn.LayerNorm)):
        module.reset_parameters()
    elif isinstance(module, nn.MultiheadAttention):
        module._reset_parameters()


def encode(tokenizer, rows):
    enc = tokenizer([t for t, _ in rows], padding="max_length", truncation=True,
                    max_length=MAX_LEN, return_tensors="pt")
    labels = torch.tensor([y for _, y in rows])
    return enc["input_ids"], enc["attention_mask"], labels


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    vocab_path = os.path.join(here, "review_vocab.txt")
    write_vocab(vocab_path)
    tokenizer = BertTokenizer(vocab_path)

    train_rows = make_reviews(256)
    input_ids, attn, labels = encode(tokenizer, train_rows)

    counts = torch.bincount(labels, minlength=len(ASPECTS)).float()
    # skip allocating real storage for the embedding tables until we know where they go
    with torch.device("meta"):
        model = ReviewAspectClassifier(len(tokenizer), len(ASPECTS))
        class_weights = torch.tensor((counts.sum() / (len(ASPECTS) * counts.clamp(min=1))).tolist())
    model = model.to_empty(device=DEVICE)
    model.apply(init_weights)

    criterion = nn.CrossEntropyLoss(weight=class_weights)
    optimizer = torch.optim.AdamW(model.parameters(), lr=3e-4, weight_decay=0.01)

    batch_size = 32
    for epoch in range(2):
        model.train()
        perm = torch.randperm(len(labels))
        total = 0.0
        for i in range(0, len(perm), batch_size):
            idx = perm[i:i + batch_size]
            ids, mask, y = input_ids[idx].to(DEVICE), attn[idx].to(DEVICE), labels[idx].to(DEVICE)
            logits = model(ids, mask)
            loss = criterion(logits, y)
            optimizer.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimizer.step()
            total += loss.item() * len(idx)
        print(f"epoch {epoch}: loss {total / len(labels):.4f}")

    model.eval()
    with torch.no_grad():
        preds = model(input_ids[:64], attn[:64]).argmax(-1)
    acc = (preds == labels[:64]).float().mean().item()
    print(f"train-subset accuracy: {acc:.3f}")


if __name__ == "__main__":
    main()
