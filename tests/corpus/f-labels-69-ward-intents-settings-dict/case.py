"""Intent classifier for the ward call-button tablet: nurses' short requests
are routed to the right queue (meds, transfer, pain, hygiene, family)."""
import os
import random
import tempfile

import torch
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

HP = {
    "lr": 1e-3,
    "n_intents": 4,
    "epochs": 3,
    "batch_size": 4,
    "max_len": 24,
    "seed": 11,
}

ROWS = [
    ("bed 4 needs evening meds", "medication"),
    ("patient asking for paracetamol", "medication"),
    ("move bed 7 to step-down unit", "transfer"),
    ("porter needed for radiology transfer", "transfer"),
    ("pain score 8 in bed 2", "pain"),
    ("patient reports sharp pain after surgery", "pain"),
    ("help with shower in room 5", "hygiene"),
    ("linen change needed bed 9", "hygiene"),
    ("daughter calling for update on bed 3", "family"),
    ("family waiting at the desk", "family"),
]


def write_vocab(rows):
    words = sorted({w for text, _ in rows for w in text.lower().split()})
    special = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "-"]
    path = os.path.join(tempfile.mkdtemp(prefix="ward_"), "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(special + words) + "\n")
    return path, len(special) + len(words)


def batches(items, size):
    for start in range(0, len(items), size):
        yield items[start:start + size]


def run(hp=HP):
    random.seed(hp["seed"])
    torch.manual_seed(hp["seed"])

    vocab_path, vocab_size = write_vocab(ROWS)
    tokenizer = BertTokenizer(vocab_path)
    cfg = BertConfig(
        vocab_size=vocab_size,
        hidden_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=64,
        num_labels=hp["n_intents"],
    )
    model = BertForSequenceClassification(cfg)
    optim = torch.optim.AdamW(model.parameters(), lr=hp["lr"])

    intent_index = {name: i for i, name in enumerate(sorted({r[1] for r in ROWS}))}
    print("intents:", intent_index)

    data = list(ROWS)
    model.train()
    for epoch in range(hp["epochs"]):
        random.shuffle(data)
        running = 0.0
        for chunk in batches(data, hp["batch_size"]):
            texts = [text for text, _ in chunk]
            enc = tokenizer(texts, padding=True, truncation=True,
                            max_length=hp["max_len"], return_tensors="pt")
            targets = torch.tensor([intent_index[intent] for _, intent in chunk])
            out = model(**enc, labels=targets)
            out.loss.backward()
            optim.step()
            optim.zero_grad()
            running += out.loss.item()
        print(f"epoch {epoch + 1}: loss {running:.4f}")

    model.eval()
    with torch.no_grad():
        probe = tokenizer(["pain in bed 4"], return_tensors="pt")
        pred = model(**probe).logits.argmax(-1).item()
    names = {i: n for n, i in intent_index.items()}
    print("probe routed to:", names.get(pred, pred))


if __name__ == "__main__":
    run()
