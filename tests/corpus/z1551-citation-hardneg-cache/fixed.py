"""Citation recommendation: given a paper abstract, retrieve the papers it should cite.
Round 1 trains with in-batch negatives and mines hard negatives from the abstract pool;
the mined lists are cached to disk so round 2 can be rerun without re-mining."""
import json
import os
import random
import tempfile

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(11)
random.seed(11)

ABSTRACTS = [
    "we propose a transformer for machine translation using only attention",
    "residual connections allow training very deep convolutional networks",
    "batch normalization reduces internal covariate shift during training",
    "contrastive pretraining of image and text encoders enables zero shot transfer",
    "dense passage retrieval with dual encoders outperforms sparse bm25",
    "masked language model pretraining of deep bidirectional transformers",
    "dropout prevents co adaptation of hidden units in neural networks",
    "momentum contrast builds a dynamic dictionary for visual representation learning",
    "adam is a method for stochastic optimization with adaptive moment estimates",
    "hard negative mining improves dense retrieval for open domain question answering",
]
# (citing paper, cited paper)
CITATIONS = [(5, 0), (4, 5), (9, 4), (3, 7), (7, 1), (1, 2), (8, 6), (2, 8)]

WORDS = sorted({w for a in ABSTRACTS for w in a.split()})
WORD_ID = {w: i + 1 for i, w in enumerate(WORDS)}


def encode_words(texts):
    seqs = [[WORD_ID[w] for w in t.split()] for t in texts]
    width = max(len(s) for s in seqs)
    ids = torch.zeros(len(seqs), width, dtype=torch.long)
    for i, s in enumerate(seqs):
        ids[i, : len(s)] = torch.tensor(s)
    return ids, torch.tensor([len(s) for s in seqs])


class AbstractEncoder(nn.Module):
    def __init__(self, n_words, dim=32):
        super().__init__()
        self.emb = nn.Embedding(n_words + 1, dim, padding_idx=0)
        self.gru = nn.GRU(dim, dim, batch_first=True, bidirectional=True)
        self.out = nn.Linear(2 * dim, dim)

    def forward(self, ids, lengths):
        packed = nn.utils.rnn.pack_padded_sequence(self.emb(ids), lengths, batch_first=True,
                                                   enforce_sorted=False)
        _, h = self.gru(packed)
        return F.normalize(self.out(torch.cat([h[0], h[1]], dim=-1)), dim=-1)


def in_batch_round(model, opt, steps=5):
    citing = [ABSTRACTS[a] for a, _ in CITATIONS]
    cited = [ABSTRACTS[b] for _, b in CITATIONS]
    for _ in range(steps):
        sims = model(*encode_words(citing)) @ model(*encode_words(cited)).T / 0.1
        loss = F.cross_entropy(sims, torch.arange(len(CITATIONS)))
        opt.zero_grad()
        loss.backward()
        opt.step()
    print(f"in-batch round done, loss {loss.item():.4f}")


@torch.no_grad()
def mine_hard_negatives(model, per_query=2):
    pool = model(*encode_words(ABSTRACTS))
    scores = pool @ pool.T
    mined = {}
    for src, dst in CITATIONS:
        row = scores[src].clone()
        row[src] = row[dst] = float("-inf")
        mined[src] = row.topk(per_query).indices.tolist()
    return mined


def hard_negative_round(model, opt, mined, steps=5):
    for _ in range(steps):
        total = 0.0
        for src, dst in random.sample(CITATIONS, len(CITATIONS)):
            candidates = [dst] + mined[src]
            q = model(*encode_words([ABSTRACTS[src]]))
            c = model(*encode_words([ABSTRACTS[i] for i in candidates]))
            loss = F.cross_entropy(q @ c.T / 0.1, torch.tensor([0]))
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item()
    print(f"hard-negative round done, mean loss {total / len(CITATIONS):.4f}")


def main():
    model = AbstractEncoder(len(WORDS))
    opt = torch.optim.Adam(model.parameters(), lr=3e-3)
    with tempfile.TemporaryDirectory() as tmp:
        cache = os.path.join(tmp, "hard_negatives.json")
        if not os.path.exists(cache):
            in_batch_round(model, opt)
            with open(cache, "w") as fh:
                json.dump(mine_hard_negatives(model), fh)
        with open(cache) as fh:
            mined = {int(k): v for k, v in json.load(fh).items()}
        print("mined negatives for", len(mined), "citing papers")

        hard_negative_round(model, opt, mined)

        model.eval()
        with torch.no_grad():
            index = model(*encode_words(ABSTRACTS))
            top = (index[[5, 9]] @ index.T).topk(3, dim=-1).indices
        for q, hits in zip([5, 9], top.tolist()):
            print(ABSTRACTS[q][:50], "->", hits)


if __name__ == "__main__":
    main()
