import os
import random

import torch
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

SEED = 7
random.seed(SEED)
torch.manual_seed(SEED)

HERE = os.path.dirname(os.path.abspath(__file__))
VOCAB_PATH = os.path.join(HERE, "claims_vocab.txt")

TRIAGE_LEVELS = ["fast_track", "standard", "complex", "siu_referral"]
MIN_NOTE_WORDS = 4
BATCH_SIZE = 16
MAX_LEN = 48
EPOCHS = 2

WORDS = (
    "insured reported rear end collision at intersection vehicle towed police report filed "
    "water damage kitchen ceiling leak plumber invoice attached roof hail storm shingles "
    "claimant injury neck pain medical bills chiropractor soft tissue prior claim history "
    "inconsistent statement witness recorded late reporting total loss salvage appraisal "
    "theft stolen laptop receipt missing broken window burglary fire smoke kitchen stove "
    "glass windshield chip repair rental car adjuster inspection scheduled subrogation "
    "liability disputed coverage question deductible waived duplicate invoice"
).split()


def write_vocab(path):
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    vocab = specials + sorted(set(WORDS))
    with open(path, "w") as f:
        f.write("\n".join(vocab) + "\n")
    return len(vocab)


def synth_claim_notes(n):
    notes, levels = [], []
    for _ in range(n):
        level = random.randrange(len(TRIAGE_LEVELS))
        # some adjusters leave placeholder notes ("see file", "tbd")
        length = random.choice([1, 2, 3]) if random.random() < 0.1 else random.randint(6, 30)
        note = " ".join(random.choice(WORDS) for _ in range(length))
        notes.append(note)
        levels.append(level)
    return notes, levels


def clean_notes(raw_notes, raw_labels):
    cleaned, kept_labels = [], []
    for note, label in zip(raw_notes, raw_labels):
        note = note.strip().lower()
        if len(note.split()) < MIN_NOTE_WORDS:
            continue
        cleaned.append(note)
        kept_labels.append(label)
    return cleaned, kept_labels


def encode(tokenizer, notes):
    enc = tokenizer(
        notes,
        padding="max_length",
        truncation=True,
        max_length=MAX_LEN,
        return_tensors="pt",
    )
    return enc["input_ids"], enc["attention_mask"]


def iterate_batches(input_ids, attention_mask, labels, batch_size):
    for start in range(0, input_ids.size(0), batch_size):
        yield (
            input_ids[start:start + batch_size],
            attention_mask[start:start + batch_size],
            labels[start:start + batch_size],
        )


def main():
    vocab_size = write_vocab(VOCAB_PATH)
    tokenizer = BertTokenizer(VOCAB_PATH)

    raw_notes, triage_labels = synth_claim_notes(120)
    notes, triage_labels = clean_notes(raw_notes, triage_labels)
    print(f"kept {len(notes)} of {len(raw_notes)} claim notes")

    input_ids, attention_mask = encode(tokenizer, notes)
    label_tensor = torch.tensor(triage_labels, dtype=torch.long)

    config = BertConfig(
        vocab_size=vocab_size,
        hidden_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=64,
        num_labels=len(TRIAGE_LEVELS),
    )
    model = BertForSequenceClassification(config)
    optimizer = torch.optim.AdamW(model.parameters(), lr=3e-4)

    model.train()
    for epoch in range(EPOCHS):
        total = 0.0
        for step, (ids, mask, y) in enumerate(
            iterate_batches(input_ids, attention_mask, label_tensor, BATCH_SIZE)
        ):
            out = model(input_ids=ids, attention_mask=mask, labels=y)
            optimizer.zero_grad()
            out.loss.backward()
            optimizer.step()
            total += out.loss.item()
        print(f"epoch {epoch} loss {total / (step + 1):.4f}")

    model.eval()
    with torch.no_grad():
        logits = model(input_ids=input_ids[:8], attention_mask=attention_mask[:8]).logits
    preds = logits.argmax(-1).tolist()
    for note, p in zip(notes[:8], preds):
        print(f"{TRIAGE_LEVELS[p]:>13} | {note[:50]}")


if __name__ == "__main__":
    main()
