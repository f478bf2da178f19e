"""Self-training an intent classifier for customer-support tickets.

A handful of tickets were labeled by the support team; the rest of the export
is unlabeled and contains customer PII, which we scrub into placeholder tokens
before it ever reaches the model. Each round a tiny BERT is trained on the
labeled tickets plus pseudo-labels, and confident predictions on the scrubbed
pool are promoted to pseudo-labels for the next round.
"""
import os
import re
import tempfile

import torch
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

torch.manual_seed(3)

INTENTS = ["refund", "shipping_delay", "account_access", "cancel_order"]
PLACEHOLDERS = ["[ORDER_ID]", "[EMAIL]", "[PHONE]"]
CONFIDENCE = 0.85
ROUNDS = 3

SEED_TICKETS = [
    ("i want my money back for this item", 0), ("please refund the broken blender", 0),
    ("how long does a refund take", 0), ("refund not received yet", 0),
    ("my package is late", 1), ("where is my parcel it has not arrived", 1),
    ("shipping is taking forever", 1), ("tracking has not updated in days", 1),
    ("i cannot log in to my account", 2), ("password reset link does not work", 2),
    ("locked out of my account", 2), ("login page keeps failing", 2),
    ("please cancel my order", 3), ("i want to cancel before it ships", 3),
    ("cancel the order i placed today", 3), ("stop my order please", 3),
]

RAW_EXPORT = [
    "refund for order #A88213 please, contact jane.doe@example.com",
    "order #B10022 is late and tracking has not updated",
    "cannot log in, my email is sam@shop.io and reset does not work",
    "please cancel order #C55120 before it ships",
    "my parcel for order #A77001 has not arrived call 555-201-9983",
    "i want my money back for order #D12121",
    "locked out of my account, reach me at 555-300-1212",
    "cancel the order #E90001 i placed today",
    "where is my package order #F33110",
    "refund not received yet for #G40404, email kim@mail.net",
]


def scrub(text):
    text = re.sub(r"[\w.]+@[\w.]+", " [EMAIL] ", text)
    text = re.sub(r"#[A-Z]\d+", " [ORDER_ID] ", text)
    text = re.sub(r"\d{3}-\d{3}-\d{4}", " [PHONE] ", text)
    return re.sub(r"[,.]", " ", text)


def write_vocab(corpus, folder):
    words = sorted({w for line in corpus for w in line.lower().split() if w.isalpha()})
    vocab_words = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(vocab_words) + "\n")
    return path, vocab_words


def build_classifier(n_vocab):
    cfg = BertConfig(vocab_size=n_vocab, hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                     intermediate_size=64, max_position_embeddings=64, num_labels=len(INTENTS))
    return BertForSequenceClassification(cfg)


def train_round(model, tok, texts, intents, epochs=40):
    enc = tok(texts, padding=True, truncation=True, max_length=48, return_tensors="pt")
    gold = torch.tensor(intents)
    opt = torch.optim.AdamW(model.parameters(), lr=5e-3)
    model.train()
    for _ in range(epochs):
        out = model(**enc, labels=gold)
        opt.zero_grad()
        out.loss.backward()
        opt.step()
    return out.loss.item()


@torch.no_grad()
def score_pool(model, tok, texts):
    model.eval()
    enc = tok(texts, padding=True, truncation=True, max_length=48, return_tensors="pt")
    return model(**enc).logits.softmax(-1)


def main():
    workdir = tempfile.mkdtemp()
    pool_texts = [scrub(t) for t in RAW_EXPORT]
    seed_texts = [t for t, _ in SEED_TICKETS]
    vocab_path, vocab_words = write_vocab(seed_texts + pool_texts, workdir)

    tok = BertTokenizer(vocab_path)
    tok.add_tokens(PLACEHOLDERS)

    pseudo = {}  # pool position -> intent id
    unlabeled = list(range(len(pool_texts)))
    for rnd in range(ROUNDS):
        model = build_classifier(len(vocab_words))
        texts = seed_texts + [pool_texts[i] for i in pseudo]
        intents = [y for _, y in SEED_TICKETS] + list(pseudo.values())
        loss = train_round(model, tok, texts, intents)

        probs = score_pool(model, tok, [pool_texts[i] for i in unlabeled])
        conf, guess = probs.max(-1)
        promoted = [(unlabeled[k], guess[k].item()) for k in range(len(unlabeled)) if conf[k] >= CONFIDENCE]
        for pos, intent in promoted:
            pseudo[pos] = intent
        unlabeled = [i for i in unlabeled if i not in pseudo]
        print(f"round {rnd}: loss={loss:.3f} promoted={len(promoted)} pseudo={len(pseudo)} left={len(unlabeled)}")
        if not unlabeled:
            break

    for pos, intent in sorted(pseudo.items()):
        print(f"{INTENTS[intent]:>15s} <- {pool_texts[pos].strip()[:50]}")


if __name__ == "__main__":
    main()
