"""Triage classifier for small-animal clinic intake notes.

Fine-tunes a tiny BERT on free-text notes written by reception / vet techs
and predicts the triage level (routine / urgent / emergency).
"""
import os
import random

import numpy as np
import torch
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

SEED = 7
random.seed(SEED)
np.random.seed(SEED)
torch.manual_seed(SEED)

HERE = os.path.dirname(os.path.abspath(__file__))
VOCAB_PATH = os.path.join(HERE, "vet_vocab.txt")

TRIAGE2ID = {"routine": 0, "urgent": 1, "emergency": 2}

SPECIES = ["dog", "cat", "rabbit", "ferret", "puppy", "kitten"]
COMPLAINTS = {
    "routine": ["annual vaccination", "nail trim", "weight check", "dental recheck", "skin itch mild"],
    "urgent": ["vomiting since yesterday", "limping left hind", "not eating two days", "ear discharge", "diarrhea with blood"],
    "emergency": ["hit by car", "collapsed at home", "seizure ongoing", "bloat distended abdomen", "ate rat poison"],
}
FINDINGS = ["bright alert", "quiet but responsive", "pale gums", "tachycardic", "dehydrated", "bcs normal", "painful abdomen"]


def write_vocab(path):
    words = set()
    for lst in COMPLAINTS.values():
        for phrase in lst:
            words.update(phrase.split())
    for phrase in SPECIES + FINDINGS:
        words.update(phrase.split())
    words.update(["presented", "with", "owner", "reports", "on", "exam", "yo", "m", "f", "n", "s"])
    words.update(str(i) for i in range(20))
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    with open(path, "w") as fh:
        fh.write("\n".join(specials + sorted(words)) + "\n")


def make_records(n=60, n_phone_consults=4):
    records = []
    phone_idx = set(np.random.choice(n, size=n_phone_consults, replace=False).tolist())
    for i in range(n):
        triage = random.choice(list(TRIAGE2ID))
        if i in phone_idx:
            note = "   "  # phone consult, note not transcribed yet
        else:
            note = (
                f"{random.randint(1, 15)} yo {random.choice(['m', 'f'])} {random.choice(['n', 's'])} "
                f"{random.choice(SPECIES)} presented with {random.choice(COMPLAINTS[triage])} . "
                f"on exam {random.choice(FINDINGS)} ."
            )
        records.append({"patient_id": f"P{i:04d}", "note": note, "triage": triage})
    return records


def clean_note(text):
    text = text.lower().replace(",", " ").replace(";", " ")
    return " ".join(text.split())


def build_model(tokenizer, num_labels):
    cfg = BertConfig(
        vocab_size=tokenizer.vocab_size,
        hidden_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=64,
        num_labels=num_labels,
    )
    return BertForSequenceClassification(cfg)


def main():
    write_vocab(VOCAB_PATH)
    tokenizer = BertTokenizer(VOCAB_PATH)

    records = make_records()
    kept = [r for r in records if r["note"].strip()]
    notes = [clean_note(r["note"]) for r in kept]
    labels = [TRIAGE2ID[r["triage"]] for r in kept]
    print(f"{len(records)} intake records, {len(notes)} notes after cleaning")

    enc = tokenizer(notes, padding="max_length", truncation=True, max_length=32, return_tensors="pt")
    input_ids = enc["input_ids"]
    attention_mask = enc["attention_mask"]
    label_tensor = torch.tensor(labels, dtype=torch.long)

    model = build_model(tokenizer, num_labels=len(TRIAGE2ID))
    optimizer = torch.optim.AdamW(model.parameters(), lr=3e-4)

    batch_size = 16
    n_epochs = 3
    model.train()
    for epoch in range(n_epochs):
        running = 0.0
        n_batches = 0
        for start in range(0, len(label_tensor), batch_size):
            batch_ids = input_ids[start:start + batch_size]
            batch_mask = attention_mask[start:start + batch_size]
            batch_labels = label_tensor[start:start + batch_size]

            out = model(input_ids=batch_ids, attention_mask=batch_mask, labels=batch_labels)
            optimizer.zero_grad()
            out.loss.backward()
            optimizer.step()
            running += out.loss.item()
            n_batches += 1
        print(f"epoch {epoch}: mean loss {running / n_batches:.4f}")

    model.eval()
    with torch.no_grad():
        preds = model(input_ids=input_ids, attention_mask=attention_mask).logits.argmax(-1)
    id2triage = {v: k for k, v in TRIAGE2ID.items()}
    print("first predictions:", [id2triage[p] for p in preds[:5].tolist()])


if __name__ == "__main__":
    main()
