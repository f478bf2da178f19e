"""Severity classifier for bridge inspection notes, wired through a small service locator."""
import os
import tempfile

import torch
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

torch.manual_seed(0)

OUTCOMES = ["ok", "minor", "major"]

SETTINGS = {
    "label_count": 2,
    "hidden": 32,
    "layers": 2,
    "heads": 2,
    "max_len": 24,
    "lr": 5e-4,
}

NOTES = [
    ("deck surface sound no visible cracking", "ok"),
    ("minor spalling near north abutment", "minor"),
    ("bearing corroded section loss observed", "major"),
    ("expansion joint clean drainage working", "ok"),
    ("hairline cracking on pier cap", "minor"),
    ("girder flange section loss heavy corrosion", "major"),
]


class Services:
    def __init__(self):
        self._factories = {}

    def provide(self, key, factory):
        self._factories[key] = factory

    def get(self, key):
        if key not in self._factories:
            raise KeyError(f"no service registered for {key!r}")
        return self._factories[key](self)


def write_vocab(words):
    folder = tempfile.mkdtemp()
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as f:
        f.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + sorted(words)))
    return path


def build_services():
    services = Services()
    services.provide("settings", lambda s: dict(SETTINGS))
    services.provide("label_count", lambda s: len(OUTCOMES))
    words = {w for text, _ in NOTES for w in text.split()}
    services.provide("tokenizer", lambda s: BertTokenizer(write_vocab(words)))
    services.provide("config", lambda s: BertConfig(
        vocab_size=len(words) + 5,
        hidden_size=s.get("settings")["hidden"],
        num_hidden_layers=s.get("settings")["layers"],
        num_attention_heads=s.get("settings")["heads"],
        intermediate_size=64,
        max_position_embeddings=64,
        num_labels=s.get("label_count"),
    ))
    services.provide("model", lambda s: BertForSequenceClassification(s.get("config")))
    return services


def main():
    services = build_services()
    settings = services.get("settings")
    tokenizer = services.get("tokenizer")
    model = services.get("model")
    texts = [t for t, _ in NOTES]
    labels = torch.tensor([OUTCOMES.index(o) for _, o in NOTES])
    batch = tokenizer(texts, padding="max_length", truncation=True,
                      max_length=settings["max_len"], return_tensors="pt")
    print(f"{len(texts)} notes, vocab {tokenizer.vocab_size}, outcomes {OUTCOMES}")

    opt = torch.optim.AdamW(model.parameters(), lr=settings["lr"])
    model.train()
    for epoch in range(5):
        out = model(**batch, labels=labels)
        opt.zero_grad()
        out.loss.backward()
        opt.step()
        print(f"epoch {epoch}  loss {out.loss.item():.4f}")

    model.eval()
    with torch.no_grad():
        preds = model(**batch).logits.argmax(-1)
    print("predicted:", [OUTCOMES[i] for i in preds.tolist()])


if __name__ == "__main__":
    main()
