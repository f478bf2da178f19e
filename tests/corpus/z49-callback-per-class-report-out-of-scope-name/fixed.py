"""Banking intent detection with out-of-scope rejection, on a small Learner with callbacks (fastai style).

The classifier has one output per in-scope intent; a query is called out_of_scope when its top probability
is under OOS_THRESHOLD.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(2)

INTENTS = ["balance", "transfer", "card_lost", "exchange_rate"]
LABELS = INTENTS + ["out_of_scope"]          # what the assistant can answer, after thresholding
OOS_THRESHOLD = 0.5

TRAIN = [
    ("what is my balance", 0), ("how much money do i have", 0), ("send money to my sister", 1),
    ("transfer fifty to savings", 1), ("i lost my card", 2), ("my card was stolen", 2),
    ("euro to dollar rate", 3), ("how many yen for a pound", 3),
]
VALID = [("show my balance please", 0), ("move money to john", 1), ("card missing", 2), ("dollar rate today", 3)]
vocab = {w: i + 1 for i, w in enumerate(sorted({w for t, _ in TRAIN + VALID for w in t.split()}))}


def encode(rows):
    width = max(len(t.split()) for t, _ in rows)
    ids = torch.zeros(len(rows), width, dtype=torch.long)
    for r, (t, _) in enumerate(rows):
        ids[r, :len(t.split())] = torch.tensor([vocab[w] for w in t.split()])
    return ids, torch.tensor([y for _, y in rows])


class Callback:
    def on_epoch_end(self, learner):
        pass


class PrintLoss(Callback):
    def on_epoch_end(self, learner):
        print(f"epoch {learner.epoch}: train loss {learner.last_loss:.3f}")


class PerClassReport(Callback):
    """One-vs-rest separation per class on the validation set: mean score on positives minus negatives."""

    def __init__(self, class_names, every=2):
        self.class_names, self.every = class_names, every

    def on_epoch_end(self, learner):
        if (learner.epoch + 1) % self.every:
            return
        probs, targets = learner.valid_probs, learner.valid_targets
        for c, name in enumerate(self.class_names):
            pos, neg = probs[targets == c, c], probs[targets != c, c]
            margin = (pos.mean() if len(pos) else torch.tensor(0.0)) - neg.mean()
            print(f"  {name:>14}: margin {margin:.3f}")


class Learner:
    def __init__(self, model, train, valid, callbacks=(), lr=0.05):
        self.model, self.train, self.valid, self.callbacks = model, train, valid, list(callbacks)
        self.opt = torch.optim.Adam(model.parameters(), lr=lr)

    def fit(self, epochs):
        for self.epoch in range(epochs):
            self.model.train()
            loss = F.cross_entropy(self.model(self.train[0]), self.train[1])
            self.opt.zero_grad()
            loss.backward()
            self.opt.step()
            self.last_loss = loss.item()
            self.model.eval()
            with torch.no_grad():
                self.valid_probs = self.model(self.valid[0]).softmax(-1)
            self.valid_targets = self.valid[1]
            for cb in self.callbacks:
                cb.on_epoch_end(self)


class MeanEmbedClassifier(nn.Module):
    def __init__(self, vocab_size, n_classes, dim=16):
        super().__init__()
        self.emb = nn.Embedding(vocab_size, dim, padding_idx=0)
        self.out = nn.Linear(dim, n_classes)

    def forward(self, ids):
        mask = (ids != 0).unsqueeze(-1).float()
        return self.out((self.emb(ids) * mask).sum(1) / mask.sum(1))


model = MeanEmbedClassifier(len(vocab) + 1, len(INTENTS))
learner = Learner(model, encode(TRAIN), encode(VALID), callbacks=[PrintLoss(), PerClassReport(INTENTS)])
learner.fit(6)


def predict(text):
    ids, _ = encode([(text, 0)])
    p = model(ids).softmax(-1)[0]
    return LABELS[int(p.argmax())] if p.max() >= OOS_THRESHOLD else "out_of_scope"


print(predict("what is my balance"))
