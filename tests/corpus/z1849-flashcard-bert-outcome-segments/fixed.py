"""Vocabulary flashcard app: predict whether a learner will recall the next card.

A learner's review history is fed to a small BERT encoder as a sequence of card
tokens. The review outcome (recalled / forgot) is carried by the segment
embedding, and the card being asked about is appended at the end with segment 0,
so the model has to predict its outcome from the [CLS] vector.
"""
import random

import torch
import torch.nn as nn
from transformers import BertConfig, BertModel

random.seed(3)
torch.manual_seed(3)

DECK = ["der_hund", "die_katze", "das_haus", "laufen", "schnell", "gestern", "vielleicht",
        "obwohl", "die_zeitung", "bestellen", "der_schluessel", "gemuetlich", "ausgehen",
        "die_rechnung", "eigentlich", "sich_erinnern"]
SPECIAL = ["[PAD]", "[CLS]", "[SEP]"]
card_vocab = {tok: i for i, tok in enumerate(SPECIAL + DECK)}
PAD_ID, CLS_ID, SEP_ID = card_vocab["[PAD]"], card_vocab["[CLS]"], card_vocab["[SEP]"]

OUTCOME_TYPES = {"recalled": 1, "forgot": 2}
MAX_REVIEWS = 20


def fake_review_sessions(n_learners):
    sessions = []
    for _ in range(n_learners):
        strength = {c: random.random() for c in DECK}
        reviews = []
        for _ in range(random.randint(6, MAX_REVIEWS)):
            card = random.choice(DECK)
            outcome = "recalled" if random.random() < strength[card] else "forgot"
            strength[card] = min(1.0, strength[card] + 0.15)
            reviews.append((card, outcome))
        query = random.choice(DECK)
        label = int(random.random() < strength[query])
        sessions.append((reviews, query, label))
    return sessions


def encode_session(reviews, query):
    card_ids = [CLS_ID]
    outcome_seg = [0]
    for card, outcome in reviews:
        card_ids.append(card_vocab[card])
        outcome_seg.append(OUTCOME_TYPES[outcome])
    card_ids += [SEP_ID, card_vocab[query]]
    outcome_seg += [0, 0]
    return card_ids, outcome_seg


def collate(batch):
    width = max(len(ids) for ids, _, _ in batch)
    cards = torch.full((len(batch), width), PAD_ID, dtype=torch.long)
    segs = torch.zeros(len(batch), width, dtype=torch.long)
    attn = torch.zeros(len(batch), width, dtype=torch.long)
    labels = torch.zeros(len(batch))
    for i, (ids, seg, y) in enumerate(batch):
        cards[i, : len(ids)] = torch.tensor(ids)
        segs[i, : len(seg)] = torch.tensor(seg)
        attn[i, : len(ids)] = 1
        labels[i] = y
    return cards, segs, attn, labels


class RecallPredictor(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.encoder = BertModel(config, add_pooling_layer=False)
        self.head = nn.Linear(config.hidden_size, 1)

    def forward(self, cards, segs, attn):
        h = self.encoder(input_ids=cards, token_type_ids=segs, attention_mask=attn).last_hidden_state
        return self.head(h[:, 0]).squeeze(-1)


def main():
    sessions = fake_review_sessions(64)
    encoded = [(*encode_session(r, q), y) for r, q, y in sessions]

    config = BertConfig(
        vocab_size=len(card_vocab),
        hidden_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=MAX_REVIEWS + 8,
        type_vocab_size=len(OUTCOME_TYPES) + 1,
        pad_token_id=PAD_ID,
    )
    model = RecallPredictor(config)
    opt = torch.optim.AdamW(model.parameters(), lr=3e-3)
    loss_fn = nn.BCEWithLogitsLoss()

    for epoch in range(4):
        random.shuffle(encoded)
        total = 0.0
        for start in range(0, len(encoded), 16):
            cards, segs, attn, labels = collate(encoded[start:start + 16])
            logits = model(cards, segs, attn)
            loss = loss_fn(logits, labels)
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item()
        print(f"epoch {epoch}: mean loss {total / 4:.4f}")

    model.eval()
    with torch.no_grad():
        cards, segs, attn, labels = collate(encoded[:16])
        acc = ((model(cards, segs, attn) > 0).float() == labels).float().mean()
    print(f"recall accuracy on first batch: {acc:.2f}")


if __name__ == "__main__":
    main()
