"""Spam filter evaluation: score a held-out mailbox with a DistilBERT classifier and write a review sheet."""
import os
import tempfile

import torch
from torch.utils.data import DataLoader
from transformers import BertTokenizer, DistilBertConfig, DistilBertForSequenceClassification

MAILBOX = [
    {"subject": "you won a free cruise claim now", "spam": 1},
    {"subject": "minutes from monday standup", "spam": 0},
    {"subject": "cheap meds no prescription needed", "spam": 1},
    {"subject": "lunch on friday", "spam": 0},
    {"subject": "urgent verify your bank account", "spam": 1},
    {"subject": "draft of the quarterly report", "spam": 0},
    {"subject": "hot singles in your area", "spam": 1},
    {"subject": "updated seating plan", "spam": 0},
    {"subject": "final notice your parcel is waiting", "spam": 1},
    {"subject": "can you review my pull request", "spam": 0},
]
THRESHOLD = 0.5


def load(folder):
    words = sorted({w for m in MAILBOX for w in m["subject"].split()})
    with open(os.path.join(folder, "vocab.txt"), "w") as f:
        f.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    tok = BertTokenizer(os.path.join(folder, "vocab.txt"))
    cfg = DistilBertConfig(vocab_size=len(tok), dim=32, n_layers=2, n_heads=2, hidden_dim=64,
                           max_position_embeddings=64, num_labels=2)
    return tok, DistilBertForSequenceClassification(cfg).eval()


def evaluate(model, tok, mails, batch_size=4):
    loader = DataLoader(mails, batch_size=batch_size, collate_fn=lambda rows: rows)
    subjects, gold, probs = [], [], []
    with torch.no_grad():
        for rows in loader:
            batch_subjects = [r["subject"] for r in rows]
            enc = tok(batch_subjects, padding=True, return_tensors="pt")
            probs.extend(model(**enc).logits.softmax(-1))
            subjects.extend(batch_subjects)
            gold.extend(r["spam"] for r in rows)

    sheet = []
    for i, subject in enumerate(subjects):
        p_spam = probs[i][1].item()
        sheet.append((subject, gold[i], p_spam, int(p_spam > THRESHOLD) == gold[i]))
    return sheet


torch.manual_seed(0)
tokenizer, classifier = load(tempfile.mkdtemp())
for subject, label, p, ok in evaluate(classifier, tokenizer, MAILBOX):
    print(f"{'ok ' if ok else 'BAD'} {p:.2f} gold={label} {subject}")
