"""Span extraction from a BIO tagger: decode each sentence of a padded evaluation batch into entity spans and
compare them with the gold spans."""
import torch
import torch.nn as nn

TAGS = ["O", "B-ORG", "I-ORG", "B-LOC", "I-LOC"]
sentences = [
    "acme corp opened an office in berlin".split(),
    "rain in paris".split(),
    "globex hired staff from oslo and rome today".split(),
    "nothing here".split(),
]
gold_tags = [
    torch.tensor([1, 2, 0, 0, 0, 0, 3]),
    torch.tensor([0, 0, 3]),
    torch.tensor([1, 0, 0, 0, 3, 0, 3, 0]),
    torch.tensor([0, 0]),
]
vocab = {w: i + 1 for i, w in enumerate(sorted({w for s in sentences for w in s}))}


def encode(batch_words):
    width = max(len(ws) for ws in batch_words)
    ids = torch.zeros(len(batch_words), width, dtype=torch.long)
    for r, ws in enumerate(batch_words):
        ids[r, : len(ws)] = torch.tensor([vocab[w] for w in ws])
    return ids


class Tagger(nn.Module):
    def __init__(self, n_words, n_tags, dim=16):
        super().__init__()
        self.emb = nn.Embedding(n_words, dim, padding_idx=0)
        self.lstm = nn.LSTM(dim, dim, batch_first=True)
        self.out = nn.Linear(dim, n_tags)

    def forward(self, ids):
        h, _ = self.lstm(self.emb(ids))
        return self.out(h)


def spans(tag_ids):
    found, start = [], None
    for k, t in enumerate(tag_ids + [0]):
        if t in (1, 3) or t == 0:
            if start is not None:
                found.append((start, k))
                start = None
            if t in (1, 3):
                start = k
    return found


torch.manual_seed(0)
model = Tagger(len(vocab) + 1, len(TAGS)).eval()
with torch.no_grad():
    best = model(encode(sentences)).argmax(-1)

tp = fp = fn = 0
for i in range(len(sentences)):
    tags = gold_tags[i]
    pred_seq, gold_seq = [], []
    for j in range(len(tags)):
        pred_seq.append(int(best[i, j]))
        gold_seq.append(int(tags[j]))
    p, g = set(spans(pred_seq)), set(spans(gold_seq))
    tp += len(p & g)
    fp += len(p - g)
    fn += len(g - p)
print(f"span F1: {2 * tp / max(1, 2 * tp + fp + fn):.3f}")
