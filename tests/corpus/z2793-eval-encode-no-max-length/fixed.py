import os
import random
from enum import Enum, auto

import numpy as np
import torch
from torch.utils.data import DataLoader
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

MAX_TOKENS = 64
VOCAB_FILE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "statute_vocab.txt")
TERMS = """tenant landlord lease premises rent deposit repair eviction notice breach remedy
court order appeal plaintiff defendant claim damages negligence duty care statute section
employer employee wage dismissal contract clause void voidable consideration offer acceptance
director company shareholder dividend insolvency creditor liquidator merger share capital""".split()


class Split(Enum):
    TRAIN = auto()
    TEST = auto()


class Registry:
    def __init__(self):
        self._items = {}

    def add(self, key, labels):
        self._items[key] = tuple(labels)
        return self

    def __getitem__(self, key):
        return self._items[key]


SCHEMES = Registry().add("practice-area", ["property", "litigation", "employment", "corporate"]) \
                    .add("binary-dispute", ["no_dispute", "dispute"])


def synth_documents(split, n, rng):
    lo, hi = (12, 50) if split is Split.TRAIN else (40, 110)
    for _ in range(n):
        yield " ".join(rng.choice(TERMS) for _ in range(rng.randint(lo, hi))), rng.randrange(4)


class DocumentClassifier:
    def __init__(self, scheme, tokenizer, hidden=32):
        self.labels = SCHEMES[scheme]
        self.tokenizer = tokenizer
        cfg = BertConfig(vocab_size=len(tokenizer), hidden_size=hidden, num_hidden_layers=1,
                         num_attention_heads=2, intermediate_size=hidden * 2,
                         max_position_embeddings=MAX_TOKENS, num_labels=len(self.labels))
        self.net = BertForSequenceClassification(cfg)
        self.optim = torch.optim.Adam(self.net.parameters(), lr=5e-4)
        self.step = 0

    @staticmethod
    def encode(tokenizer, texts, **kw):
        return tokenizer(list(texts), padding=True, truncation=True, return_tensors="pt", **kw)

    @property
    def num_params(self):
        return sum(p.numel() for p in self.net.parameters())

    def on_batch_start(self, batch):
        self.net.train()

    def on_step_end(self, loss):
        self.step += 1
        if self.step % 5 == 0:
            print(f"[{self.step}] loss={loss:.4f}")

    def train_collate(self, rows):
        texts, ys = zip(*rows)
        enc = self.encode(self.tokenizer, texts, max_length=MAX_TOKENS)
        enc["labels"] = torch.tensor(ys)
        return enc

    def fit(self, rows, epochs=2):
        loader = DataLoader(rows, batch_size=6, shuffle=True, collate_fn=self.train_collate)
        for _ in range(epochs):
            for batch in loader:
                self.on_batch_start(batch)
                loss = self.net(**batch).loss
                loss.backward()
                self.optim.step()
                self.optim.zero_grad()
                self.on_step_end(loss.item())

    @torch.no_grad()
    def predict(self, texts, batch_size=8):
        self.net.eval()
        preds = []
        for i in range(0, len(texts), batch_size):
            enc = self.encode(self.tokenizer, texts[i:i + batch_size], max_length=MAX_TOKENS)
            preds.append(self.net(**enc).logits.argmax(-1).numpy())
        return np.concatenate(preds)


def main():
    rng = random.Random(7)
    torch.manual_seed(7)
    with open(VOCAB_FILE, "w") as f:
        f.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + TERMS))
    tok = BertTokenizer(VOCAB_FILE)
    data = {split: list(synth_documents(split, 30 if split is Split.TRAIN else 12, rng)) for split in Split}

    clf = DocumentClassifier("practice-area", tok)
    print(f"model params: {clf.num_params}")
    clf.fit(data[Split.TRAIN])

    test_texts = [t for t, _ in data[Split.TEST]]
    gold = np.array([y for _, y in data[Split.TEST]])
    pred = clf.predict(test_texts)
    print("test accuracy", float((pred == gold).mean()))


if __name__ == "__main__":
    main()
