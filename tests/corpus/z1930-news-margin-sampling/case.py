import random

import torch
import torch.nn as nn
import torch.nn.functional as F

random.seed(7)
torch.manual_seed(7)

TOPIC_WORDS = {
    "sports": "match goal coach league season striker injury final score transfer".split(),
    "politics": "senate vote minister election bill campaign coalition policy debate poll".split(),
    "tech": "startup chip software cloud update launch app privacy robot data".split(),
    "health": "vaccine clinic doctors study virus diet hospital trial patients sleep".split(),
}
FILLER = "the a new after report says as over amid with for latest week".split()
TOPICS = list(TOPIC_WORDS)


def make_headline(topic):
    own = random.sample(TOPIC_WORDS[topic], random.randint(2, 4))
    other = random.choice([t for t in TOPICS if t != topic])
    noise = random.sample(TOPIC_WORDS[other], random.randint(0, 2))
    words = own + noise + random.sample(FILLER, random.randint(2, 5))
    random.shuffle(words)
    return " ".join(words)


headlines, topic_of = [], []
for _ in range(700):
    t = random.randrange(len(TOPICS))
    headlines.append(make_headline(TOPICS[t]))
    topic_of.append(t)

word2id = {"<unk>": 0}
for h in headlines:
    for w in h.split():
        word2id.setdefault(w, len(word2id))
doc_tokens = [torch.tensor([word2id[w] for w in h.split()]) for h in headlines]


class BagClassifier(nn.Module):
    def __init__(self, n_words, n_topics, dim=24):
        super().__init__()
        self.bag = nn.EmbeddingBag(n_words, dim, mode="mean")
        self.out = nn.Linear(dim, n_topics)

    def forward(self, flat, offsets):
        return self.out(self.bag(flat, offsets))


def pack(doc_ids):
    seqs = [doc_tokens[d] for d in doc_ids]
    offsets = torch.tensor([0] + [len(s) for s in seqs[:-1]]).cumsum(0)
    return torch.cat(seqs), offsets


def train(doc_ids, epochs=30, bs=32):
    clf = BagClassifier(len(word2id), len(TOPICS))
    opt = torch.optim.SGD(clf.parameters(), lr=0.5)
    targets = torch.tensor(topic_of)
    for _ in range(epochs):
        shuffled = random.sample(doc_ids, len(doc_ids))
        for s in range(0, len(shuffled), bs):
            part = shuffled[s : s + bs]
            flat, offsets = pack(part)
            loss = F.cross_entropy(clf(flat, offsets), targets[part])
            opt.zero_grad()
            loss.backward()
            opt.step()
    return clf


@torch.no_grad()
def predict_proba(clf, doc_ids):
    flat, offsets = pack(doc_ids)
    return F.softmax(clf(flat, offsets), dim=1)


def margin_query(clf, pool_ids, k, max_margin=0.5, n_candidates=120):
    cand = random.sample(pool_ids, min(n_candidates, len(pool_ids)))
    probs = predict_proba(clf, cand)
    top2 = probs.topk(2, dim=1).values
    margin = top2[:, 0] - top2[:, 1]
    uncertain = []
    for pos in range(len(pool_ids)):
        if margin[pos] < max_margin:
            uncertain.append((margin[pos].item(), cand[pos]))
    uncertain.sort()
    return [doc for _, doc in uncertain[:k]]


doc_order = list(range(len(headlines)))
random.shuffle(doc_order)
eval_docs = doc_order[:150]
seed_docs = doc_order[150:170]
pool_docs = doc_order[170:]

annotated = list(seed_docs)
eval_targets = torch.tensor([topic_of[d] for d in eval_docs])
for step in range(6):
    clf = train(annotated)
    acc = (predict_proba(clf, eval_docs).argmax(1) == eval_targets).float().mean().item()
    asked = margin_query(clf, pool_docs, k=15)
    annotated += asked
    asked_set = set(asked)
    pool_docs = [d for d in pool_docs if d not in asked_set]
    print(f"step {step}: annotated={len(annotated)} pool={len(pool_docs)} eval_acc={acc:.3f}")
