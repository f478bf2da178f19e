"""Score test reviews with a fastText-style classifier whose vocab comes from the training split."""
import torch
import torch.nn as nn

torch.manual_seed(0)


def build_vocab(sentences, min_count=1):
    counts = {}
    for s in sentences:
        for w in s.split():
            counts[w] = counts.get(w, 0) + 1
    words = sorted(w for w, c in counts.items() if c >= min_count)
    return {w: i for i, w in enumerate(words)}


def numericalize(sentence, word2idx):
    unk_idx = len(word2idx)
    return torch.tensor([word2idx.get(w, unk_idx) for w in sentence.split()])


def score(sentences, word2idx, embedding, classifier):
    offsets, flat = [0], []
    for s in sentences:
        ids = numericalize(s, word2idx)
        flat.append(ids)
        offsets.append(offsets[-1] + len(ids))
    vecs = embedding(torch.cat(flat), torch.tensor(offsets[:-1]))
    return classifier(vecs).softmax(-1)[:, 1]


train = ["great food friendly staff", "terrible food rude staff", "great value", "rude and slow"]
test = ["friendly staff great value", "slow service and cold food"]
word2idx = build_vocab(train)
embedding = nn.EmbeddingBag(len(word2idx) + 1, 16, mode="mean")
classifier = nn.Linear(16, 2)
with torch.no_grad():
    probs = score(test, word2idx, embedding, classifier)
print("positive probs:", [round(p, 3) for p in probs.tolist()])
