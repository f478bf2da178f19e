"""Vet clinic triage classifier: Keras -> PyTorch/Accelerate port.

Old version: keras Tokenizer.fit_on_texts() on the intake notes, Embedding + LSTM,
model.fit(X, y, batch_size=4, epochs=1). New version keeps the same fit/transform
shape but sits on a small BERT encoder and trains through Accelerate.
"""
import os
import tempfile

import torch
from accelerate import Accelerator
from torch.utils.data import DataLoader
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

torch.manual_seed(7)

BASE_VOCAB = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]",
              "dog", "cat", "rabbit", "vomiting", "since", "morning", "lethargic", "not", "eating",
              "limping", "left", "hind", "leg", "on", "bleeding", "from", "paw", "collapsed",
              "in", "yard", "pale", "gums", "itchy", "ears", "for", "a", "week", "given",
              "at", "home", "ate", "chocolate", "two", "hours", "ago", "vaccine", "booster", "due"]

# clinic shorthand the old keras Tokenizer simply learned from the notes
CLINIC_TERMS = ["meloxicam", "gdv", "ivdd", "bid", "fhv"]

INTAKE_NOTES = [
    ("dog vomiting since morning lethargic not eating", "urgent"),
    ("cat itchy ears for a week", "routine"),
    ("dog collapsed in yard pale gums gdv", "emergency"),
    ("rabbit not eating since morning", "urgent"),
    ("dog limping left hind leg on meloxicam bid", "routine"),
    ("dog ate chocolate two hours ago", "emergency"),
    ("cat fhv vaccine booster due", "routine"),
    ("dog ivdd collapsed bleeding from paw", "emergency"),
]
URGENCY = ["routine", "urgent", "emergency"]


class NoteVectorizer:
    """Stands in for keras.preprocessing.text.Tokenizer."""

    def __init__(self, vocab_path):
        self.tokenizer = BertTokenizer(vocab_path)

    def fit(self, notes):
        # fit_on_texts used to grow the word index with anything it saw
        seen = set()
        for text, _ in notes:
            for word in text.split():
                seen.add(word)
        new_terms = []
        for term in CLINIC_TERMS:
            if term in seen:
                new_terms.append(term)
        added = self.tokenizer.add_tokens(new_terms)
        print(f"vectorizer: added {added} clinic terms")
        return self

    def transform(self, notes):
        batch_rows = []
        for text, level in notes:
            enc = self.tokenizer(text, padding="max_length", max_length=16, truncation=True)
            batch_rows.append({
                "input_ids": torch.tensor(enc["input_ids"]),
                "attention_mask": torch.tensor(enc["attention_mask"]),
                "labels": torch.tensor(URGENCY.index(level)),
            })
        return batch_rows


class TriageEstimator:
    def __init__(self, vectorizer, n_classes, lr=3e-4):
        # was Embedding(20000, 32) -> LSTM(32) -> Dense(3, softmax) in keras
        config = BertConfig(vocab_size=len(vectorizer.tokenizer), hidden_size=32,
                            num_hidden_layers=1, num_attention_heads=2, intermediate_size=64,
                            max_position_embeddings=32, num_labels=n_classes)
        self.model = BertForSequenceClassification(config)
        self.optim = torch.optim.AdamW(self.model.parameters(), lr=lr)
        self.accelerator = Accelerator(cpu=True)

    def fit(self, rows, batch_size=4, epochs=1):
        loader = DataLoader(rows, batch_size=batch_size, shuffle=True)
        model, optim, loader = self.accelerator.prepare(self.model, self.optim, loader)
        model.train()
        step = 0
        for epoch in range(epochs):
            running = 0.0
            for batch in loader:
                out = model(**batch)
                self.accelerator.backward(out.loss)
                optim.step()
                optim.zero_grad()
                running += out.loss.item()
                step += 1
                print(f"epoch {epoch} step {step} loss {out.loss.item():.4f}")
            print(f"epoch {epoch} mean loss {running / max(step, 1):.4f}")
        self.model = self.accelerator.unwrap_model(model)
        return self

    def predict(self, rows):
        self.model.eval()
        preds = []
        with torch.no_grad():
            for r in rows:
                logits = self.model(input_ids=r["input_ids"][None],
                                    attention_mask=r["attention_mask"][None]).logits
                preds.append(URGENCY[int(logits.argmax(-1))])
        return preds


def main():
    tmp = tempfile.mkdtemp()
    vocab_path = os.path.join(tmp, "vocab.txt")
    with open(vocab_path, "w") as f:
        for tok in BASE_VOCAB:
            f.write(tok + "\n")

    vec = NoteVectorizer(vocab_path).fit(INTAKE_NOTES)
    rows = vec.transform(INTAKE_NOTES)
    est = TriageEstimator(vec, n_classes=len(URGENCY)).fit(rows, batch_size=4, epochs=1)
    print("predictions:", est.predict(rows[:3]))


if __name__ == "__main__":
    main()
