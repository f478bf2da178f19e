"""Guess the plant family from transcribed herbarium sheet labels.

Port of a tf.keras prototype: TextVectorization -> Embedding -> Bidirectional(LSTM) -> Dense.
"""
import re
from collections import Counter

import torch
import torch.nn as nn

torch.manual_seed(11)

LABELS = [
    ("coll. hedgerow chalk soil flowers white five petals hips red", "Rosaceae"),
    ("roadside verge yellow ray florets involucre bracts pappus", "Asteraceae"),
    ("damp meadow pea flowers pods hairy trifoliate leaves", "Fabaceae"),
    ("limestone grassland square stem aromatic lipped corolla", "Lamiaceae"),
    ("woodland edge thorny shrub white blossom pome fruit", "Rosaceae"),
    ("waste ground disc florets composite head seeds pappus", "Asteraceae"),
    ("sandy bank climbing tendrils pinnate leaves legume", "Fabaceae"),
    ("stream side mint scent opposite leaves square stem", "Lamiaceae"),
]
FAMILIES = sorted({fam for _, fam in LABELS})

HPARAMS = {"embed_dim": 24, "rnn_units": 32, "bidirectional": True, "max_tokens": 200, "seq_len": 12}


class TextVectorizer:
    """Rough equivalent of keras.layers.TextVectorization."""

    def __init__(self, max_tokens, output_sequence_length):
        self.max_tokens = max_tokens
        self.seq_len = output_sequence_length
        self.lookup = {}

    @staticmethod
    def _split(text):
        return re.findall(r"[a-z]+", text.lower())

    def adapt(self, texts):
        freq = Counter(tok for t in texts for tok in self._split(t))
        # 0 = padding, 1 = OOV, like keras
        for i, (tok, _) in enumerate(freq.most_common(self.max_tokens - 2)):
            self.lookup[tok] = i + 2
        print(f"vectorizer adapted: {len(self.lookup) + 2} tokens")

    def vocabulary_size(self):
        return len(self.lookup) + 2

    def transform(self, texts):
        rows = []
        for t in texts:
            ids = [self.lookup.get(tok, 1) for tok in self._split(t)][: self.seq_len]
            rows.append(ids + [0] * (self.seq_len - len(ids)))
        return torch.tensor(rows, dtype=torch.long)


class FamilyNet(nn.Module):
    def __init__(self, vocab_size, n_classes, embed_dim, rnn_units, bidirectional, **_):
        super().__init__()
        self.embed = nn.Embedding(vocab_size, embed_dim, padding_idx=0)
        self.rnn = nn.LSTM(embed_dim, rnn_units, batch_first=True, bidirectional=bidirectional)
        self.dropout = nn.Dropout(0.2)
        self.dense = nn.Linear(rnn_units, n_classes)

    def forward(self, tok_ids):
        seq_out, _ = self.rnn(self.embed(tok_ids))
        summary = seq_out.max(dim=1).values
        return self.dense(self.dropout(summary))


class EarlyStopping:
    def __init__(self, patience=2):
        self.patience, self.best, self.wait = patience, float("inf"), 0

    def __call__(self, epoch, logs):
        if logs["loss"] < self.best - 1e-4:
            self.best, self.wait = logs["loss"], 0
            return False
        self.wait += 1
        return self.wait >= self.patience


class Trainer:
    def __init__(self, module):
        self.module = module
        self.history = {"loss": [], "accuracy": []}

    def compile(self, optimizer="adam", learning_rate=1e-2):
        opt_cls = {"adam": torch.optim.Adam, "sgd": torch.optim.SGD}[optimizer]
        self.optimizer = opt_cls(self.module.parameters(), lr=learning_rate)
        self.criterion = nn.CrossEntropyLoss()

    def _batches(self, x, y, batch_size):
        perm = torch.randperm(len(x))
        for i in range(0, len(x), batch_size):
            sel = perm[i:i + batch_size]
            yield x[sel], y[sel]

    def fit(self, x, y, epochs=5, batch_size=4, callbacks=()):
        for ep in range(epochs):
            self.module.train()
            seen, loss_sum, correct = 0, 0.0, 0
            for xb, yb in self._batches(x, y, batch_size):
                scores = self.module(xb)
                loss = self.criterion(scores, yb)
                self.optimizer.zero_grad()
                loss.backward()
                self.optimizer.step()
                seen += len(yb)
                loss_sum += loss.item() * len(yb)
                correct += (scores.argmax(1) == yb).sum().item()
            self.history["loss"].append(loss_sum / seen)
            self.history["accuracy"].append(correct / seen)
            print(f"Epoch {ep + 1}/{epochs} - loss: {loss_sum / seen:.4f} - accuracy: {correct / seen:.3f}")
            logs = {k: v[-1] for k, v in self.history.items()}
            if any(cb(ep, logs) for cb in callbacks):
                print("early stopping")
                break
        return self.history

    @torch.no_grad()
    def evaluate(self, x, y):
        self.module.eval()
        scores = self.module(x)
        return self.criterion(scores, y).item(), (scores.argmax(1) == y).float().mean().item()

    @torch.no_grad()
    def predict(self, x):
        self.module.eval()
        return torch.softmax(self.module(x), dim=-1)


if __name__ == "__main__":
    texts = [t for t, _ in LABELS]
    y = torch.tensor([FAMILIES.index(f) for _, f in LABELS])

    vec = TextVectorizer(HPARAMS["max_tokens"], HPARAMS["seq_len"])
    vec.adapt(texts)
    x = vec.transform(texts)

    net = FamilyNet(vec.vocabulary_size(), len(FAMILIES), **HPARAMS)
    trainer = Trainer(net)
    trainer.compile("adam", learning_rate=5e-3)
    trainer.fit(x, y, epochs=6, batch_size=4, callbacks=[EarlyStopping(patience=2)])

    loss, acc = trainer.evaluate(x, y)
    print(f"train-set loss {loss:.3f} acc {acc:.2f}")
    probs = trainer.predict(vec.transform(["chalk down white petals thorny stem"]))
    print("best guess:", FAMILIES[probs.argmax().item()])
