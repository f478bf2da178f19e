"""Classify free-text ship deck-log entries into incident/event types.

Logs from one season are split by date: April-October for training,
November-December for validation.
"""
import argparse
import os
import random
import tempfile
from datetime import date, timedelta

import torch
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

EVENT_TYPES = ["routine", "engine", "weather", "cargo", "navigation", "ice_contact", "medical_evac"]
EVENT_WORDS = {
    "routine": "watch change crew drill logged all normal",
    "engine": "engine overheat rpm drop oil pressure alarm",
    "weather": "wind gale swell heavy rain visibility",
    "cargo": "container lashing shift hold inspection",
    "navigation": "course change buoy pilot anchor radar",
    "ice_contact": "ice floe contact hull frozen spray",
    "medical_evac": "crew injury medic helicopter evac",
}
FILLER = "the at hrs vessel port starboard bridge noted".split()


def synth_logs(rng, n):
    start = date(2023, 4, 1)
    rows = []
    for _ in range(n):
        day = start + timedelta(days=rng.randrange(270))
        pool = EVENT_TYPES[:5]
        if day.month in (11, 12):
            pool = EVENT_TYPES
        event = rng.choice(pool)
        words = EVENT_WORDS[event].split()
        text = " ".join(rng.choice(words + FILLER) for _ in range(rng.randint(5, 12)))
        rows.append({"date": day, "text": text, "event": event})
    return sorted(rows, key=lambda r: r["date"])


def build_tokenizer(folder):
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + FILLER
    for words in EVENT_WORDS.values():
        vocab += [w for w in words.split() if w not in vocab]
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as f:
        f.write("\n".join(vocab) + "\n")
    return BertTokenizer(path)


def to_batch(rows, tokenizer, label2id):
    enc = tokenizer([r["text"] for r in rows], padding=True, truncation=True,
                    max_length=24, return_tensors="pt")
    enc["labels"] = torch.tensor([label2id[r["event"]] for r in rows])
    return enc


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--n-logs", type=int, default=100)
    parser.add_argument("--epochs", type=int, default=1)
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--cutoff", default="2023-11-01")
    args = parser.parse_args()

    rng = random.Random(3)
    torch.manual_seed(3)
    logs = synth_logs(rng, args.n_logs)
    cutoff = date.fromisoformat(args.cutoff)
    train_rows = [r for r in logs if r["date"] < cutoff]
    val_rows = [r for r in logs if r["date"] >= cutoff]

    label2id = {name: i for i, name in enumerate(EVENT_TYPES)}
    num_labels = len(label2id)
    print(f"{len(train_rows)} train / {len(val_rows)} val logs, {num_labels} event types")

    tokenizer = build_tokenizer(tempfile.mkdtemp())
    config = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=1,
                        num_attention_heads=2, intermediate_size=64, max_position_embeddings=64,
                        num_labels=num_labels)
    model = BertForSequenceClassification(config)
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-3)

    for epoch in range(args.epochs):
        model.train()
        rng.shuffle(train_rows)
        for i in range(0, len(train_rows), args.batch_size):
            batch = to_batch(train_rows[i : i + args.batch_size], tokenizer, label2id)
            loss = model(**batch).loss
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()

        model.eval()
        val_loss, correct = 0.0, 0
        with torch.no_grad():
            for i in range(0, len(val_rows), args.batch_size):
                batch = to_batch(val_rows[i : i + args.batch_size], tokenizer, label2id)
                out = model(**batch)
                val_loss += out.loss.item() * len(batch["labels"])
                correct += (out.logits.argmax(-1) == batch["labels"]).sum().item()
        print(f"epoch {epoch}: val loss {val_loss / len(val_rows):.3f} "
              f"acc {correct / len(val_rows):.3f}")


if __name__ == "__main__":
    main()
