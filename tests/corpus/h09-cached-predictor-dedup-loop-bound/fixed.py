"""Ticket router service: a predictor object that scores each distinct ticket text only once."""
import torch
import torch.nn as nn

torch.manual_seed(0)


class BowClassifier(nn.Module):
    def __init__(self, vocab_size, n_labels, dim=16):
        super().__init__()
        self.bag = nn.EmbeddingBag(vocab_size, dim, mode="mean", padding_idx=0)
        self.head = nn.Linear(dim, n_labels)

    def forward(self, ids):
        return self.head(self.bag(ids))


class TextEncoderMixin:
    vocab: dict

    def encode(self, texts):
        rows = [[self.vocab.get(w, 1) for w in t.lower().split()] for t in texts]
        width = max(map(len, rows))
        return torch.tensor([r + [0] * (width - len(r)) for r in rows])


class CachedPredictor(TextEncoderMixin):
    def __init__(self, model, vocab, labels):
        self.model, self.vocab, self.labels = model.eval(), vocab, labels

    @torch.no_grad()
    def predict(self, texts):
        unique = list(dict.fromkeys(texts))  # many tickets are exact duplicates
        probs = self.model(self.encode(unique)).softmax(-1)
        routed = []
        for i in range(len(texts)):
            row = unique.index(texts[i])
            routed.append((texts[i], self.labels[int(probs[row].argmax())]))
        return routed


vocab = {w: i for i, w in enumerate("<pad> <unk> password reset invoice wrong refund app crashes login".split())}
router = CachedPredictor(BowClassifier(len(vocab), 3), vocab, ["account", "billing", "bug"])
inbox = ["password reset", "invoice wrong", "password reset", "app crashes", "password reset"]
for text, queue in router.predict(inbox):
    print(f"{queue:8s} {text}")
