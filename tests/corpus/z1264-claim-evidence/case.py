"""Fact-checking prototype: score (claim, evidence) pairs with a small BERT-style
pair encoder, then pool the evidence-level verdict probabilities per claim."""
import itertools
import logging
import random
from functools import partial, reduce

import torch
import torch.nn as nn
import torch.nn.functional as F

logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
log = logging.getLogger("claimcheck")
torch.manual_seed(7)
random.seed(7)

VERDICTS = ["SUPPORTS", "REFUTES", "NOT_ENOUGH_INFO"]
CLAIMS = [
    "the harbour bridge opened in 1932",
    "copper conducts electricity poorly",
    "the glacier has retreated since 1950",
    "the vaccine requires two doses",
]
# (claim index, evidence sentence, gold verdict for the pair)
EVIDENCE = [
    (0, "the bridge was opened to traffic in march 1932", 0),
    (0, "construction of the bridge began in 1923", 2),
    (1, "copper is one of the best electrical conductors", 1),
    (1, "copper wiring is common in households", 2),
    (1, "silver conducts slightly better than copper", 1),
    (2, "satellite images show the glacier front moved upstream", 0),
    (2, "the glacier lost much of its mass over the last decades", 0),
    (3, "the schedule consists of two injections four weeks apart", 0),
    (3, "a booster dose is recommended after a year", 2),
    (3, "side effects were mild in most participants", 2),
]


def compose(*fns):
    """compose(f, g, h)(x) == f(g(h(x)))"""
    return reduce(lambda f, g: lambda x: f(g(x)), fns)


def build_vocab(texts):
    words = sorted(set(itertools.chain.from_iterable(t.split() for t in texts)))
    return {w: i for i, w in enumerate(["[PAD]", "[CLS]", "[SEP]", "[UNK]"] + words)}


def make_encoder(vocab, max_len):
    def encode(claim, evidence):
        a = [vocab.get(w, 3) for w in claim.split()]
        b = [vocab.get(w, 3) for w in evidence.split()]
        ids = ([1] + a + [2] + b + [2])[:max_len]
        segs = ([0] * (len(a) + 2) + [1] * (len(b) + 1))[:max_len]
        pad = max_len - len(ids)
        return ids + [0] * pad, segs + [0] * pad
    return encode


class PairEncoder(nn.Module):
    def __init__(self, vocab_size, max_len, dim=32, n_cls=len(VERDICTS)):
        super().__init__()
        self.tok = nn.Embedding(vocab_size, dim, padding_idx=0)
        self.pos = nn.Embedding(max_len, dim)
        self.seg = nn.Embedding(2, dim)
        layer = nn.TransformerEncoderLayer(dim, nhead=2, dim_feedforward=64, batch_first=True)
        self.body = nn.TransformerEncoder(layer, num_layers=1)
        self.head = nn.Linear(dim, n_cls)

    def forward(self, ids, segs):
        positions = torch.arange(ids.size(1)).unsqueeze(0)
        h = self.tok(ids) + self.pos(positions) + self.seg(segs)
        h = self.body(h, src_key_padding_mask=ids.eq(0))
        return self.head(h[:, 0])


def build_pair_index(evidence):
    # one row per scored pair, used later to regroup the scores
    return torch.tensor([[row, claim_idx] for row, (claim_idx, _, _) in enumerate(evidence)])


def take_column(state, col):
    return {**state, "owner": state["pair_index"][:, col]}


def to_probs(state):
    return {**state, "probs": F.softmax(state["logits"], dim=-1)}


def make_claim_pooler(n_claims):
    def pool(state):
        owner, probs = state["owner"], state["probs"]
        sums = torch.zeros(n_claims, probs.size(1)).index_add(0, owner, probs)
        counts = torch.zeros(n_claims).index_add(0, owner, torch.ones(len(owner)))
        return {**state, "claim_probs": sums / counts.clamp(min=1).unsqueeze(1)}
    return pool


def to_verdicts(state):
    return [VERDICTS[i] for i in state["claim_probs"].argmax(dim=-1).tolist()]


MAX_LEN = 32
vocab = build_vocab(CLAIMS + [e for _, e, _ in EVIDENCE])
encode = make_encoder(vocab, MAX_LEN)
group_by_claim = partial(take_column, col=0)
postprocess = compose(to_verdicts, make_claim_pooler(len(CLAIMS)), group_by_claim, to_probs)


def encode_all(evidence):
    ids, segs = zip(*map(lambda e: encode(CLAIMS[e[0]], e[1]), evidence))
    return torch.tensor(ids), torch.tensor(segs)


def main():
    log.info("vocab size %d, %d claims, %d evidence pairs", len(vocab), len(CLAIMS), len(EVIDENCE))
    ids, segs = encode_all(EVIDENCE)
    gold = torch.tensor([v for _, _, v in EVIDENCE])
    model = PairEncoder(len(vocab), MAX_LEN)
    opt = torch.optim.AdamW(model.parameters(), lr=3e-3)

    model.train()
    for epoch in range(15):
        opt.zero_grad()
        loss = F.cross_entropy(model(ids, segs), gold)
        loss.backward()
        opt.step()
        if epoch % 5 == 0:
            log.info("epoch %d pair loss %.4f", epoch, loss.item())

    model.eval()
    with torch.no_grad():
        logits = model(ids, segs)
    state = {"logits": logits, "pair_index": build_pair_index(EVIDENCE)}
    verdicts = postprocess(state)
    for claim, verdict in zip(CLAIMS, verdicts):
        print(f"{verdict:>16}  {claim}")


if __name__ == "__main__":
    main()
