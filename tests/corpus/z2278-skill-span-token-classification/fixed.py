import os
import random

import numpy as np
import torch
from transformers import BertConfig, BertForTokenClassification, BertTokenizer

HERE = os.path.dirname(os.path.abspath(__file__))
random.seed(21)
np.random.seed(21)
torch.manual_seed(21)

CONFIG = {
    "max_words": 32,
    "max_seq_len": 48,
    "batch_size": 8,
    "steps": 20,
    "lr": 5e-4,
    "label_names": ["O", "B-HARD_SKILL", "I-HARD_SKILL", "B-SOFT_SKILL", "I-SOFT_SKILL"],
}
LABEL2ID = {l: i for i, l in enumerate(CONFIG["label_names"])}

HARD = [["machine", "learning"], ["pytorch"], ["tensorflow"], ["postgresql"], ["data", "modeling"],
        ["kubernetes"], ["power", "bi"], ["payroll", "processing"]]
SOFT = [["stakeholder", "management"], ["mentoring"], ["negotiation"], ["public", "speaking"]]
CONTEXT = ["experienced", "in", "and", "with", "strong", "background", "proficient", "skilled",
           "hands", "on", "led", "projects", "using", "excellent", "team", "player", "delivered"]

# whole words plus a few word pieces so that some skills split into several tokens
VOCAB = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]",
         "machine", "learning", "py", "##torch", "tensor", "##flow", "postgre", "##sql",
         "data", "model", "##ing", "ku", "##ber", "##netes", "power", "bi", "pay", "##roll",
         "processing", "stakeholder", "management", "mentor", "negotiation", "public", "speak"] + CONTEXT


def write_vocab():
    path = os.path.join(HERE, "skills_vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(VOCAB) + "\n")
    return path


def make_bullet(rng):
    words, tags = [], []
    for _ in range(rng.randint(2, 4)):
        words += rng.sample(CONTEXT, rng.randint(1, 3))
        tags += ["O"] * (len(words) - len(tags))
        kind, pool = ("HARD_SKILL", HARD) if rng.random() < 0.7 else ("SOFT_SKILL", SOFT)
        span = rng.choice(pool)
        words += span
        tags += ["B-" + kind] + ["I-" + kind] * (len(span) - 1)
    return words, tags


def align_labels(encoding, batch_tags):
    aligned = []
    for i, tags in enumerate(batch_tags):
        prev = None
        row = []
        for wid in encoding.word_ids(batch_index=i):
            if wid is None:
                row.append(-100)
            elif wid != prev:
                row.append(LABEL2ID[tags[wid]])
            else:
                row.append(-100)
            prev = wid
        aligned.append(row)
    return aligned


def pad_labels(rows, length, pad_value=-100):
    return [r[:length] + [pad_value] * (length - len(r[:length])) for r in rows]


def build_batch(tokenizer, examples):
    words = [w[: CONFIG["max_words"]] for w, _ in examples]
    tags = [t[: CONFIG["max_words"]] for _, t in examples]
    enc = tokenizer(words, is_split_into_words=True, truncation=True,
                    max_length=CONFIG["max_seq_len"], padding="max_length", return_tensors="pt")
    labels = pad_labels(align_labels(enc, tags), CONFIG["max_seq_len"])
    enc["labels"] = torch.tensor(labels)
    return enc


def evaluate(model, tokenizer, examples):
    model.eval()
    batch = build_batch(tokenizer, examples)
    with torch.no_grad():
        out = model(**batch)
    preds = out.logits.argmax(-1)
    keep = batch["labels"] != -100
    acc = (preds[keep] == batch["labels"][keep]).float().mean().item()
    return out.loss.item(), acc


def main():
    tokenizer = BertTokenizer(write_vocab())
    rng = random.Random(3)
    train = [make_bullet(rng) for _ in range(160)]
    dev = [make_bullet(rng) for _ in range(24)]

    config = BertConfig(
        vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=1,
        num_attention_heads=2, intermediate_size=64, max_position_embeddings=64,
        num_labels=len(LABEL2ID), id2label=dict(enumerate(CONFIG["label_names"])), label2id=LABEL2ID,
    )
    model = BertForTokenClassification(config)
    optimizer = torch.optim.AdamW(model.parameters(), lr=CONFIG["lr"])

    for step in range(CONFIG["steps"]):
        model.train()
        idx = np.random.choice(len(train), CONFIG["batch_size"], replace=False)
        batch = build_batch(tokenizer, [train[i] for i in idx])
        out = model(**batch)
        out.loss.backward()
        optimizer.step()
        optimizer.zero_grad()
        if step % 5 == 0:
            print(f"step {step:02d} loss {out.loss.item():.4f}")

    dev_loss, dev_acc = evaluate(model, tokenizer, dev)
    print(f"dev loss {dev_loss:.4f}  first-subword acc {dev_acc:.3f}")


if __name__ == "__main__":
    main()
