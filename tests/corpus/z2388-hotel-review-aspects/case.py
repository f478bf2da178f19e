import os
import random

import torch
import torch.nn as nn
import torch.nn.functional as F
from transformers import BertConfig, BertModel, BertTokenizer

SEED = 7
random.seed(SEED)
torch.manual_seed(SEED)

HERE = os.path.dirname(os.path.abspath(__file__))
VOCAB_PATH = os.path.join(HERE, "review_vocab.txt")

ASPECTS = ["cleanliness", "staff", "location", "breakfast", "noise"]
WORDS = [
    "the", "room", "was", "very", "clean", "dirty", "staff", "friendly", "rude",
    "helpful", "location", "great", "central", "far", "from", "beach", "breakfast",
    "buffet", "cold", "tasty", "noisy", "quiet", "street", "night", "bed", "comfy",
    "bathroom", "towels", "reception", "check", "in", "slow", "quick", "view", "pool",
    "and", "but", "not", "at", "all", "we", "loved", "hated", "would", "return",
]


def write_vocab(path):
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    with open(path, "w") as fh:
        for tok in specials + WORDS:
            fh.write(tok + "\n")


def synth_reviews(n):
    reviews, labels = [], []
    for _ in range(n):
        length = random.randint(5, 22)
        text = " ".join(random.choice(WORDS) for _ in range(length))
        multi_hot = [float(random.random() < 0.35) for _ in ASPECTS]
        reviews.append(text)
        labels.append(multi_hot)
    return reviews, torch.tensor(labels)


class AspectAttentionHead(nn.Module):
    """One learned query per aspect attends over the token states."""

    def __init__(self, hidden, n_aspects):
        super().__init__()
        self.aspect_queries = nn.Parameter(torch.randn(n_aspects, hidden) * 0.02)
        self.proj = nn.Linear(hidden, hidden)
        self.out = nn.Linear(hidden, 1)

    def forward(self, token_states, pad_mask):
        keys = torch.tanh(self.proj(token_states))                  # B, T, H
        scores = torch.einsum("ah,bth->bat", self.aspect_queries, keys)
        scores = scores.masked_fill(pad_mask.unsqueeze(1), -1e4)     # B, A, T
        weights = scores.softmax(dim=-1)
        pooled = torch.einsum("bat,bth->bah", weights, token_states)
        return self.out(pooled).squeeze(-1)                           # B, A


class ReviewAspectTagger(nn.Module):
    def __init__(self, vocab_size, n_aspects):
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
        self.head = AspectAttentionHead(cfg.hidden_size, n_aspects)

    def forward(self, input_ids, attention_mask):
        states = self.encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
        pad_mask = 1 - attention_mask
        return self.head(states, pad_mask)


def batches(reviews, labels, tokenizer, bs):
    for i in range(0, len(reviews), bs):
        enc = tokenizer(
            reviews[i:i + bs],
            padding=True,
            truncation=True,
            max_length=48,
            return_tensors="pt",
        )
        yield enc["input_ids"], enc["attention_mask"], labels[i:i + bs]


def main():
    write_vocab(VOCAB_PATH)
    tokenizer = BertTokenizer(VOCAB_PATH)
    reviews, labels = synth_reviews(64)

    model = ReviewAspectTagger(tokenizer.vocab_size, len(ASPECTS))
    optim = torch.optim.AdamW(model.parameters(), lr=3e-4)

    for epoch in range(2):
        model.train()
        total = 0.0
        for input_ids, attn, y in batches(reviews, labels, tokenizer, bs=16):
            logits = model(input_ids, attn)
            loss = F.binary_cross_entropy_with_logits(logits, y)
            optim.zero_grad()
            loss.backward()
            optim.step()
            total += loss.item()
        print(f"epoch {epoch} bce={total:.4f}")


if __name__ == "__main__":
    main()
