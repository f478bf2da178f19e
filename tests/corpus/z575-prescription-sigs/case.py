"""Tag the parts of pharmacy prescription directions ("sigs") token by token.

e.g. "take 2 tablets by mouth twice daily" -> O DOSE UNIT ROUTE ROUTE FREQ FREQ
"""
import functools

import torch
import torch.nn as nn

torch.manual_seed(21)
IGNORE = -100

SIGS = [
    ("take 2 tablets by mouth twice daily", "O DOSE UNIT ROUTE ROUTE FREQ FREQ"),
    ("apply 1 patch to skin every 72 hours", "O DOSE UNIT ROUTE ROUTE FREQ FREQ FREQ"),
    ("inhale 2 puffs every 4 hours as needed", "O DOSE UNIT FREQ FREQ FREQ PRN PRN"),
    ("take 1 capsule by mouth at bedtime", "O DOSE UNIT ROUTE ROUTE FREQ FREQ"),
    ("instill 3 drops in each eye daily", "O DOSE UNIT ROUTE ROUTE ROUTE FREQ"),
    ("take 10 ml by mouth as needed for cough", "O DOSE UNIT ROUTE ROUTE PRN PRN O O"),
    ("inject 20 units under the skin nightly", "O DOSE UNIT ROUTE ROUTE ROUTE FREQ"),
    ("chew 1 tablet three times daily", "O DOSE UNIT FREQ FREQ FREQ"),
]


class SigPreprocessor:
    def __init__(self, output_sequence_length=12):
        self.seq_len = output_sequence_length
        self.word_index = {"<pad>": 0, "<oov>": 1}
        self.tag_index = {}

    def adapt(self, pairs):
        for text, tags in pairs:
            for w in text.split():
                self.word_index.setdefault(w, len(self.word_index))
            for t in tags.split():
                self.tag_index.setdefault(t, len(self.tag_index))
        print(f"{len(self.word_index)} words, tags={list(self.tag_index)}")

    def _pad(self, seq, filler):
        seq = seq[: self.seq_len]
        return seq + [filler] * (self.seq_len - len(seq))

    def transform(self, pairs):
        word_rows, tag_rows = [], []
        for text, tags in pairs:
            word_rows.append(self._pad([self.word_index.get(w, 1) for w in text.split()], 0))
            tag_rows.append(self._pad([self.tag_index[t] for t in tags.split()], IGNORE))
        return torch.tensor(word_rows), torch.tensor(tag_rows)


class ConvTagger(nn.Module):
    def __init__(self, n_words, n_tags, dim=32, width=3):
        super().__init__()
        self.emb = nn.Embedding(n_words, dim, padding_idx=0)
        self.conv = nn.Conv1d(dim, dim, kernel_size=width, padding=width // 2)
        self.proj = nn.Linear(dim, n_tags)

    def forward(self, words):
        e = self.emb(words)
        c = torch.relu(self.conv(e.transpose(1, 2))).transpose(1, 2)
        return self.proj(c + e)


LOSSES = {
    "sparse_categorical_crossentropy": functools.partial(nn.functional.cross_entropy, ignore_index=IGNORE),
}


class LossPrinter:
    def __init__(self, every=1):
        self.every = every

    def on_epoch_end(self, epoch, logs):
        if (epoch + 1) % self.every == 0:
            print(f"  epoch {epoch + 1:02d}  loss {logs['loss']:.4f}  token_acc {logs['token_acc']:.3f}")


class TaggerModel:
    def __init__(self, net):
        self.net = net
        self.history = {"loss": [], "token_acc": []}

    def compile(self, optimizer, loss):
        self.optimizer = optimizer
        self.loss_fn = LOSSES[loss]

    @staticmethod
    def _token_acc(scores, gold):
        live = gold != IGNORE
        return ((scores.argmax(-1) == gold) & live).sum().item() / live.sum().item()

    def fit(self, x, y, epochs=4, batch_size=4, callbacks=None):
        callbacks = callbacks or []
        for epoch in range(epochs):
            self.net.train()
            losses, accs = [], []
            for b in range(0, x.size(0), batch_size):
                xb, yb = x[b:b + batch_size], y[b:b + batch_size]
                scores = self.net(xb)
                loss = self.loss_fn(scores, yb)
                self.optimizer.zero_grad()
                loss.backward()
                self.optimizer.step()
                losses.append(loss.item())
                accs.append(self._token_acc(scores, yb))
            self.history["loss"].append(sum(losses) / len(losses))
            self.history["token_acc"].append(sum(accs) / len(accs))
            for cb in callbacks:
                cb.on_epoch_end(epoch, {k: v[-1] for k, v in self.history.items()})
        return self.history

    @torch.no_grad()
    def evaluate(self, x, y):
        self.net.eval()
        scores = self.net(x)
        return {"loss": self.loss_fn(scores, y).item(), "token_acc": self._token_acc(scores, y)}

    @torch.no_grad()
    def predict(self, x):
        self.net.eval()
        return self.net(x).argmax(-1)


if __name__ == "__main__":
    prep = SigPreprocessor(output_sequence_length=12)
    prep.adapt(SIGS)
    X, Y = prep.transform(SIGS)
    print("X", tuple(X.shape), "Y", tuple(Y.shape))

    net = ConvTagger(len(prep.word_index), len(prep.tag_index))
    model = TaggerModel(net)
    model.compile(optimizer=torch.optim.Adam(net.parameters(), lr=1e-2), loss="sparse_categorical_crossentropy")
    model.fit(X, Y, epochs=5, batch_size=4, callbacks=[LossPrinter(every=1)])
    print("eval:", model.evaluate(X, Y))

    inv_tags = {i: t for t, i in prep.tag_index.items()}
    test_x, _ = prep.transform([("take 2 tablets by mouth daily", "O O O O O O")])
    tagged = model.predict(test_x)[0][:6].tolist()
    print(list(zip("take 2 tablets by mouth daily".split(), [inv_tags[i] for i in tagged])))
