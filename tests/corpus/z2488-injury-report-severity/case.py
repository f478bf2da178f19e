"""Fine-tune a tiny BERT to grade injury-report severity (time-loss bands) from
physio free-text notes exported from the club's athlete management system."""
import os
import random

import numpy as np
import torch
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

SEED = 11
random.seed(SEED)
np.random.seed(SEED)
torch.manual_seed(SEED)

HERE = os.path.dirname(os.path.abspath(__file__))
VOCAB_PATH = os.path.join(HERE, "injury_vocab.txt")

SEVERITY = {"minimal": 0, "mild": 1, "moderate": 2, "severe": 3}

BODY_PARTS = ["hamstring", "calf", "adductor", "quadriceps", "ankle", "knee", "groin", "hip", "shoulder", "lumbar"]
MECHANISMS = ["sprinting", "tackle", "landing", "deceleration", "cutting", "kicking", "contact", "overuse"]
FINDINGS = ["strain", "sprain", "contusion", "tightness", "tear", "tendinopathy", "spasm", "effusion"]
FILLER = ["left", "right", "grade", "one", "two", "three", "reported", "pain", "during", "session",
          "match", "training", "reduced", "range", "of", "motion", "swelling", "tender", "on", "palpation",
          "mri", "confirmed", "no", "rtp", "expected", "days", "weeks", "modified", "load", "player"]

MAX_LEN = 40
BATCH_SIZE = 16
EPOCHS = 2


def write_vocab(path):
    special = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    words = sorted(set(BODY_PARTS + MECHANISMS + FINDINGS + FILLER))
    with open(path, "w") as fh:
        fh.write("\n".join(special + words) + "\n")


def synth_reports(n=120):
    reports = []
    for i in range(n):
        sev = random.choice(list(SEVERITY))
        parts = [random.choice(["left", "right"]), random.choice(BODY_PARTS), random.choice(FINDINGS),
                 "during", random.choice(MECHANISMS)]
        parts += random.sample(FILLER, k=random.randint(3, 10))
        note = " ".join(parts)
        # some entries are logged by S&C staff with the note left blank
        if i % 19 == 7:
            note = "   "
        reports.append({"player_id": f"P{random.randint(1, 32):02d}", "note": note, "severity": sev,
                        "days_lost": int(np.random.gamma(2.0, 6.0))})
    return reports


def clean_note(text):
    return " ".join(text.lower().split())


def main():
    write_vocab(VOCAB_PATH)
    tokenizer = BertTokenizer(VOCAB_PATH)

    reports = synth_reports()
    texts = [clean_note(r["note"]) for r in reports if r["note"].strip()]
    labels = [SEVERITY[r["severity"]] for r in reports]
    print(f"{len(reports)} reports loaded, {len(texts)} with notes")

    labels_t = torch.tensor(labels, dtype=torch.long)

    config = BertConfig(
        vocab_size=tokenizer.vocab_size,
        hidden_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=64,
        num_labels=len(SEVERITY),
    )
    model = BertForSequenceClassification(config)
    optim = torch.optim.AdamW(model.parameters(), lr=3e-4, weight_decay=0.01)

    model.train()
    for epoch in range(EPOCHS):
        running, n_batches = 0.0, 0
        for start in range(0, len(texts), BATCH_SIZE):
            batch_texts = texts[start:start + BATCH_SIZE]
            enc = tokenizer(batch_texts, padding=True, truncation=True, max_length=MAX_LEN,
                            return_tensors="pt")
            y = labels_t[start:start + BATCH_SIZE]
            out = model(**enc, labels=y)
            optim.zero_grad()
            out.loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optim.step()
            running += out.loss.item()
            n_batches += 1
        print(f"epoch {epoch}: mean loss {running / n_batches:.4f}")

    model.eval()
    with torch.no_grad():
        enc = tokenizer(texts[:8], padding=True, truncation=True, max_length=MAX_LEN, return_tensors="pt")
        preds = model(**enc).logits.argmax(-1)
    inv = {v: k for k, v in SEVERITY.items()}
    for t, p in zip(texts[:3], preds[:3].tolist()):
        print(f"{inv[p]:>9} | {t[:60]}")


if __name__ == "__main__":
    main()
