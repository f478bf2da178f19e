"""Recall prediction for the vocab-drill app.

Every learner's spaced-repetition log (card id, recalled yes/no) is encoded as one
interaction token per review, prefixed with [CLS], and fed to a small BERT encoder.
The [CLS] state plus the embedding of the card shown next predicts whether the
learner will recall that card.
"""
import random

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, Dataset
from transformers import BertConfig, BertModel

SEED = 11
NUM_CARDS = 300
PAD_TOKEN, CLS_TOKEN = 0, 1
FIRST_REVIEW_TOKEN = 2
MAX_POSITIONS = 64
HIDDEN = 32
BATCH = 16
EPOCHS = 2


def review_token(card_id, recalled):
    return FIRST_REVIEW_TOKEN + 2 * card_id + int(recalled)


def simulate_review_logs(n_learners, rng):
    logs = []
    for _ in range(n_learners):
        memory = rng.uniform(0.2, 0.9)
        # casual learners do a handful of sessions, streak learners review every day
        streak_user = rng.random() < 0.15
        n_reviews = rng.randint(60, 140) if streak_user else rng.randint(10, 45)
        seen = {}
        log = []
        for _ in range(n_reviews):
            card = rng.randrange(NUM_CARDS)
            hardness = (card % 30) / 30.0
            p = memory - 0.35 * hardness + 0.1 * min(seen.get(card, 0), 3)
            recalled = rng.random() < min(max(p, 0.05), 0.95)
            seen[card] = seen.get(card, 0) + 1
            log.append((card, recalled))
        logs.append(log)
    return logs


class RecallDataset(Dataset):
    def __init__(self, logs):
        self.examples = []
        for log in logs:
            history, (next_card, next_recalled) = log[:-1], log[-1]
            tokens = [CLS_TOKEN] + [review_token(c, r) for c, r in history]
            self.examples.append((tokens, next_card, float(next_recalled)))

    def __len__(self):
        return len(self.examples)

    def __getitem__(self, idx):
        return self.examples[idx]


def collate_reviews(batch):
    longest = max(len(tokens) for tokens, _, _ in batch)
    review_ids = torch.full((len(batch), longest), PAD_TOKEN, dtype=torch.long)
    review_mask = torch.zeros((len(batch), longest), dtype=torch.long)
    for row, (tokens, _, _) in enumerate(batch):
        review_ids[row, : len(tokens)] = torch.tensor(tokens)
        review_mask[row, : len(tokens)] = 1
    next_cards = torch.tensor([card for _, card, _ in batch])
    recalled = torch.tensor([y for _, _, y in batch])
    return review_ids, review_mask, next_cards, recalled


class RecallModel(nn.Module):
    def __init__(self):
        super().__init__()
        config = BertConfig(
            vocab_size=FIRST_REVIEW_TOKEN + 2 * NUM_CARDS,
            hidden_size=HIDDEN,
            num_hidden_layers=1,
            num_attention_heads=2,
            intermediate_size=64,
            max_position_embeddings=MAX_POSITIONS,
            pad_token_id=PAD_TOKEN,
        )
        self.encoder = BertModel(config, add_pooling_layer=False)
        self.card_embedding = nn.Embedding(NUM_CARDS, HIDDEN)
        self.head = nn.Sequential(nn.Linear(2 * HIDDEN, HIDDEN), nn.ReLU(), nn.Linear(HIDDEN, 1))

    def forward(self, review_ids, review_mask, next_cards):
        states = self.encoder(input_ids=review_ids, attention_mask=review_mask).last_hidden_state
        learner_state = states[:, 0]
        features = torch.cat([learner_state, self.card_embedding(next_cards)], dim=-1)
        return self.head(features).squeeze(-1)


def evaluate(model, loader):
    model.eval()
    hits, total = 0, 0
    with torch.no_grad():
        for review_ids, review_mask, next_cards, recalled in loader:
            pred = model(review_ids, review_mask, next_cards) > 0
            hits += (pred.float() == recalled).sum().item()
            total += recalled.numel()
    return hits / total


def main():
    rng = random.Random(SEED)
    torch.manual_seed(SEED)
    logs = simulate_review_logs(160, rng)
    split = int(0.8 * len(logs))
    train_loader = DataLoader(RecallDataset(logs[:split]), batch_size=BATCH, shuffle=True,
                              collate_fn=collate_reviews)
    val_loader = DataLoader(RecallDataset(logs[split:]), batch_size=BATCH, collate_fn=collate_reviews)

    model = RecallModel()
    optimizer = torch.optim.AdamW(model.parameters(), lr=3e-3)
    for epoch in range(EPOCHS):
        model.train()
        running = 0.0
        for review_ids, review_mask, next_cards, recalled in train_loader:
            logits = model(review_ids, review_mask, next_cards)
            loss = F.binary_cross_entropy_with_logits(logits, recalled)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            running += loss.item()
        acc = evaluate(model, val_loader)
        print(f"epoch {epoch}: train loss {running / len(train_loader):.4f}  val acc {acc:.3f}")


if __name__ == "__main__":
    main()
