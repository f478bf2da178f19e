"""Triage classifier for tide-gauge maintenance notes.

Field technicians file free-text notes after each station visit; we route them to
one of a few queues (sensor drift, telemetry, structural, routine). This is the
small offline smoke run we use before deploying the real checkpoint.
"""
import os
import random
import tempfile
import logging

# deployment defaults, normally injected by the orchestrator
os.environ.setdefault("SEED", "7")
os.environ.setdefault("HIDDEN", "32")
os.environ.setdefault("LAYERS", "1")
os.environ.setdefault("HEADS", "2")
os.environ.setdefault("POSITIONS", "32")
os.environ.setdefault("MAX_LEN", "32")
os.environ.setdefault("BATCH_SIZE", "4")
os.environ.setdefault("LR", "3e-4")

import torch
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

logging.basicConfig(level=logging.INFO, format="%(levelname)s %(message)s")
log = logging.getLogger("tidegauge")

SEED = int(os.environ.get("SEED", "7"))
BATCH_SIZE = int(os.environ.get("BATCH_SIZE", "4"))
QUEUES = ["drift", "telemetry", "structural", "routine"]

NOTES = [
    ("pressure transducer reading 4 cm high versus staff gauge after cleaning", "drift"),
    ("modem dropped twice overnight, logger buffer full, restarted radio and checked antenna cable for corrosion near the junction box", "telemetry"),
    ("barnacle growth on stilling well intake, scraped and flushed, reference mark survey still pending", "structural"),
    ("routine visit, batteries fine, solar panel wiped", "routine"),
    ("staff gauge bolts loose after storm, pier deck cracked near mount, the stilling well is leaning slightly seaward and the datum check against the benchmark shows an offset we could not explain on site", "structural"),
    ("satellite uplink missing hourly packets since tuesday", "telemetry"),
    ("radar sensor drift confirmed against manual reading, recalibrated offset", "drift"),
    ("routine visit, desiccant replaced, no issues", "routine"),
]


def write_vocab(texts):
    words = sorted({w for t in texts for w in t.lower().replace(",", " ").split()})
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    path = os.path.join(tempfile.mkdtemp(), "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(specials + words) + "\n")
    return path


def make_model(**kwargs):
    config = BertConfig(
        vocab_size=kwargs["vocab_size"],
        hidden_size=kwargs.get("hidden", 32),
        num_hidden_layers=kwargs.get("layers", 1),
        num_attention_heads=kwargs.get("heads", 2),
        intermediate_size=kwargs.get("hidden", 32) * 2,
        max_position_embeddings=kwargs.get("positions", 512),
        num_labels=kwargs["num_labels"],
    )
    return BertForSequenceClassification(config)


def build(**cfg):
    log.info("building model with %s", cfg)
    model = make_model(**cfg)
    optim = torch.optim.AdamW(model.parameters(), lr=float(os.environ.get("LR", "3e-4")))
    return model, optim


def batches(rows, size):
    order = list(range(len(rows)))
    random.shuffle(order)
    for i in range(0, len(order), size):
        yield [rows[j] for j in order[i:i + size]]


def encode(tokenizer, chunk):
    texts = [t.replace(",", " ") for t, _ in chunk]
    max_len = int(os.environ.get("MAX_LEN", "32"))
    enc = tokenizer(texts, padding=True, truncation=True, max_length=max_len, return_tensors="pt")
    enc["labels"] = torch.tensor([QUEUES.index(q) for _, q in chunk])
    return enc


def main():
    random.seed(SEED)
    torch.manual_seed(SEED)
    vocab_path = write_vocab([t for t, _ in NOTES])
    tokenizer = BertTokenizer(vocab_path)

    cfg = {
        "vocab_size": tokenizer.vocab_size,
        "hidden": int(os.environ.get("HIDDEN", "32")),
        "layers": int(os.environ.get("LAYERS", "1")),
        "heads": int(os.environ.get("HEADS", "2")),
        "positions": int(os.environ.get("POSITIONS", "32")),
        "num_labels": len(QUEUES),
    }
    model, optim = build(**cfg)
    model.train()

    for epoch in range(2):
        total = 0.0
        for step, chunk in enumerate(batches(NOTES, BATCH_SIZE)):
            batch = encode(tokenizer, chunk)
            out = model(**batch)
            out.loss.backward()
            optim.step()
            optim.zero_grad()
            total += out.loss.item()
            log.info("epoch %d step %d seq_len %d loss %.4f", epoch, step, batch["input_ids"].shape[1], out.loss.item())
        log.info("epoch %d mean loss %.4f", epoch, total / (step + 1))

    model.eval()
    with torch.no_grad():
        probe = encode(tokenizer, NOTES[:2])
        probe.pop("labels")
        pred = model(**probe).logits.argmax(-1).tolist()
    print("predicted queues:", [QUEUES[p] for p in pred])


if __name__ == "__main__":
    main()
