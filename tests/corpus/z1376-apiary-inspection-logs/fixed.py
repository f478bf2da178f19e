"""Classify a whole season of hive inspection notes into colony outcome.

Each hive's notes from the season are concatenated into one document and fed
to a small BERT encoder trained from scratch.  All knobs come from env vars so
the same script runs on the laptop and on the apiary co-op's shared box.
"""
import os
import random
import tempfile

import torch
from torch import nn
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

MAX_LEN = int(os.environ.get("MAX_LEN", "128"))


def env_int(name, default):
    return int(os.environ.get(name, str(default)))


def env_list(name, default):
    raw = os.environ.get(name, default)
    return [item.strip() for item in raw.split(",") if item.strip()]


OUTCOMES = env_list("OUTCOMES", "thriving,queenless,swarmed,collapsed")
BATCH = env_int("BATCH", 2)
EPOCHS = env_int("EPOCHS", 2)

ENTRIES = {
    "thriving": ["brood pattern solid", "queen seen on frame four", "capped honey on six frames",
                 "calm bees good temper", "added super for flow", "pollen coming in strong"],
    "queenless": ["no eggs seen", "no queen seen", "roaring sound when opened", "laying workers suspected",
                  "drone brood in worker cells", "bees defensive today"],
    "swarmed": ["queen cells on bottom bars", "population dropped sharply", "capped queen cells found",
                "few bees on frames", "old queen not seen", "honey stores reduced"],
    "collapsed": ["dead bees at entrance", "mites seen on drones", "deformed wings on workers",
                  "spotty brood pattern", "few bees left", "robbing at entrance"],
}


def season_log(outcome, rng, n_visits=12):
    # one inspection per week over the season, a couple of sentences per visit
    visits = []
    for week in range(n_visits):
        picks = rng.sample(ENTRIES[outcome], 2)
        visits.append(f"week {week + 1} " + " and ".join(picks))
    return " . ".join(visits)


def write_vocab(texts):
    words = sorted({w for t in texts for w in t.lower().split()})
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    path = os.path.join(tempfile.mkdtemp(prefix="apiary_"), "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(specials + words) + "\n")
    return path


class HiveBatches:
    def __init__(self, tokenizer, docs, targets, batch_size):
        self.tok = tokenizer
        self.docs = docs
        self.targets = targets
        self.batch_size = batch_size

    def __iter__(self):
        order = list(range(len(self.docs)))
        random.shuffle(order)
        for start in range(0, len(order), self.batch_size):
            idx = order[start:start + self.batch_size]
            enc = self.tok([self.docs[i] for i in idx], padding="longest", truncation=True,
                           max_length=MAX_LEN, return_tensors="pt")
            enc["labels"] = torch.tensor([self.targets[i] for i in idx])
            yield enc


def main():
    random.seed(7)
    torch.manual_seed(7)
    rng = random.Random(11)

    docs, targets = [], []
    for label_id, outcome in enumerate(OUTCOMES):
        for _ in range(3):
            docs.append(season_log(outcome, rng))
            targets.append(label_id)

    tokenizer = BertTokenizer(write_vocab(docs + ["week"]))
    lengths = [len(tokenizer.tokenize(d)) for d in docs]
    print(f"{len(docs)} hive logs, tokens per log min={min(lengths)} max={max(lengths)}")

    config = BertConfig(
        vocab_size=tokenizer.vocab_size,
        hidden_size=env_int("HIDDEN", 32),
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=env_int("MAX_POSITIONS", 128),
        num_labels=len(OUTCOMES),
    )
    model = BertForSequenceClassification(config)
    optim = torch.optim.AdamW(model.parameters(), lr=5e-4)

    batches = HiveBatches(tokenizer, docs, targets, BATCH)
    model.train()
    for epoch in range(EPOCHS):
        running = 0.0
        for step, batch in enumerate(batches):
            out = model(**batch)
            out.loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optim.step()
            optim.zero_grad()
            running += out.loss.item()
        print(f"epoch {epoch} mean loss {running / (step + 1):.4f}")

    model.eval()
    with torch.no_grad():
        enc = tokenizer(docs[:4], padding=True, truncation=True, max_length=MAX_LEN, return_tensors="pt")
        pred = model(**enc).logits.argmax(-1).tolist()
    print("predicted:", [OUTCOMES[p] for p in pred])


if __name__ == "__main__":
    main()
