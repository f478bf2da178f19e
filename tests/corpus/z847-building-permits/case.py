"""Route municipal building-permit applications to the right inspection desk.

Bag-of-words counts + a small MLP. The labeled set is small, so the term
vocabulary is widened with the unlabeled permit archive before it is frozen;
the weekly intake feed uses wording that mostly shows up in the archive.
"""
import logging
import re
from collections import Counter

import torch
import torch.nn as nn

logging.basicConfig(level=logging.INFO, format="%(levelname)s %(message)s")
log = logging.getLogger("permits")
torch.manual_seed(11)

DESKS = ["electrical", "plumbing", "roofing", "demolition"]

LABELED = [
    ("replace main breaker panel and add two circuits in garage", "electrical"),
    ("install new subpanel for detached workshop wiring", "electrical"),
    ("rewire kitchen outlets and add gfci protection", "electrical"),
    ("replace water heater and reroute supply lines", "plumbing"),
    ("new bathroom rough in with drain and vent piping", "plumbing"),
    ("repair sewer lateral under driveway", "plumbing"),
    ("tear off asphalt shingles and install new roof deck", "roofing"),
    ("replace flashing around chimney and reroof porch", "roofing"),
    ("install metal roof over existing shingles", "roofing"),
    ("demolish detached garage and remove slab", "demolition"),
    ("interior demolition of non bearing walls", "demolition"),
    ("remove fire damaged shed and haul debris", "demolition"),
]

# unlabeled archive, only used to grow the vocabulary
ARCHIVE = [
    "upgrade service to 200 amp meter base and grounding electrode",
    "install ev charger on dedicated circuit with conduit",
    "replace galvanized pipes with pex and new shutoff valves",
    "backflow preventer for irrigation system",
    "torch down membrane on flat roof with tapered insulation",
    "skylight curb reframing and underlayment",
    "abatement then demolition of single family dwelling",
    "selective demolition of mezzanine and stair",
]

INTAKE = [
    ("upgrade meter base and grounding for ev charger", "electrical"),
    ("replace galvanized supply pipes with pex", "plumbing"),
    ("torch down membrane over flat roof section", "roofing"),
    ("selective demolition of mezzanine after abatement", "demolition"),
]


def tokenize(text):
    return re.findall(r"[a-z0-9]+", text.lower())


class TermVocab:
    def __init__(self, min_count=1):
        self.min_count = min_count
        self.counts = Counter()
        self.itos = ["<unk>"]
        self.stoi = {"<unk>": 0}
        self.frozen = False

    def add_corpus(self, texts):
        assert not self.frozen, "vocab already frozen"
        for t in texts:
            self.counts.update(tokenize(t))
        for term, c in sorted(self.counts.items()):
            if c >= self.min_count and term not in self.stoi:
                self.stoi[term] = len(self.itos)
                self.itos.append(term)

    def freeze(self):
        self.frozen = True

    def lookup(self, term):
        return self.stoi.get(term, 0)

    def __len__(self):
        return len(self.itos)


class CountFeaturizer:
    def __init__(self, vocab):
        self.vocab = vocab
        self.dim = len(vocab)

    def __call__(self, text):
        vec = torch.zeros(self.dim)
        for term in tokenize(text):
            vec[self.vocab.lookup(term)] += 1
        return vec

    def batch(self, texts):
        return torch.stack([self(t) for t in texts])


def build_model(in_dim, n_out):
    return nn.Sequential(nn.Linear(in_dim, 32), nn.ReLU(), nn.Dropout(0.1), nn.Linear(32, n_out))


vocab = TermVocab()
vocab.add_corpus(t for t, _ in LABELED)
featurizer = CountFeaturizer(vocab)
log.info("labeled terms: %d", len(vocab))

vocab.add_corpus(ARCHIVE)
vocab.freeze()
log.info("vocab frozen at %d terms", len(vocab))

X = featurizer.batch([t for t, _ in LABELED])
y = torch.tensor([DESKS.index(d) for _, d in LABELED])

model = build_model(featurizer.dim, len(DESKS))
opt = torch.optim.Adam(model.parameters(), lr=1e-2)
loss_fn = nn.CrossEntropyLoss()

for epoch in range(60):
    model.train()
    opt.zero_grad()
    loss = loss_fn(model(X), y)
    loss.backward()
    opt.step()
    if epoch % 20 == 0:
        log.info("epoch %d loss %.4f", epoch, loss.item())

model.eval()
with torch.no_grad():
    feats = featurizer.batch([t for t, _ in INTAKE])
    routed = model(feats).argmax(-1).tolist()

hits = 0
for (text, gold), pred in zip(INTAKE, routed):
    hits += DESKS[pred] == gold
    print(f"{DESKS[pred]:>11} <- {text}")
print(f"intake routing accuracy: {hits}/{len(INTAKE)}")
