"""Score apiary inspection notes for swarm risk with a tiny attention-pooling encoder.

Everything is written as small functions glued together with `pipe`, the only class
is the nn.Module itself.
"""
import functools
import re

import torch
import torch.nn as nn

torch.manual_seed(7)

NOTES = [
    ("queen cells seen on lower frames, colony crowded, bees bearding at entrance", 1),
    ("brood pattern solid, plenty of stores, calm temperament", 0),
    ("supersedure cells capped, drone brood heavy, no space left in brood box", 1),
    ("new super added last week, foragers busy on clover", 0),
    ("hive congested, swarm cells on frame four and six", 1),
    ("light varroa count, queen spotted, eggs present", 0),
]

PAD, UNK = "<pad>", "<unk>"


def pipe(*fns):
    return lambda x: functools.reduce(lambda acc, f: f(acc), fns, x)


tokenize = pipe(str.lower, lambda s: re.findall(r"[a-z]+", s))


def build_vocab(texts):
    words = sorted({w for t in texts for w in tokenize(t)})
    return {w: i for i, w in enumerate([PAD, UNK] + words)}


def encoder_for(vocab):
    return lambda words: [vocab.get(w, vocab[UNK]) for w in words]


def pad_to(length, pad_id):
    return lambda ids: ids + [pad_id] * (length - len(ids))


def make_batch(records, vocab):
    encode = pipe(tokenize, encoder_for(vocab))
    id_lists = list(map(lambda r: encode(r[0]), records))
    longest = max(map(len, id_lists))
    padded = list(map(pad_to(longest, vocab[PAD]), id_lists))
    ids = torch.tensor(padded)
    # flag the padded slots so attention skips them
    pad_flags = torch.tensor([[int(t == vocab[PAD]) for t in row] for row in padded])
    target = torch.tensor(list(map(lambda r: r[1], records)), dtype=torch.float)
    return {"ids": ids, "pad_flags": pad_flags, "target": target}


class SwarmScorer(nn.Module):
    def __init__(self, vocab_size, dim=24):
        super().__init__()
        self.embed = nn.Embedding(vocab_size, dim, padding_idx=0)
        self.attn_logit = nn.Linear(dim, 1)
        self.out = nn.Linear(dim, 1)

    def forward(self, ids, pad_flags):
        h = self.embed(ids)                              # (B, T, D)
        scores = self.attn_logit(h).squeeze(-1)          # (B, T)
        scores = scores.masked_fill(pad_flags, float("-inf"))
        weights = scores.softmax(dim=-1).unsqueeze(-1)
        pooled = (weights * h).sum(dim=1)
        return self.out(pooled).squeeze(-1)


def train_step(model, optim, loss_fn):
    def step(batch):
        optim.zero_grad()
        logits = model(batch["ids"], batch["pad_flags"])
        loss = loss_fn(logits, batch["target"])
        loss.backward()
        optim.step()
        return loss.item()
    return step


def main():
    vocab = build_vocab(map(lambda r: r[0], NOTES))
    print(f"vocab size: {len(vocab)}")
    batch = make_batch(NOTES, vocab)
    print("batch shapes:", {k: tuple(v.shape) for k, v in batch.items()})

    model = SwarmScorer(len(vocab))
    optim = torch.optim.Adam(model.parameters(), lr=5e-3)
    step = train_step(model, optim, nn.BCEWithLogitsLoss())

    losses = list(map(lambda _: step(batch), range(30)))
    print(f"loss: first={losses[0]:.4f} last={losses[-1]:.4f}")

    model.eval()
    with torch.no_grad():
        probs = torch.sigmoid(model(batch["ids"], batch["pad_flags"]))
    for (text, gold), p in zip(NOTES, probs.tolist()):
        print(f"  [{gold}] {p:.2f}  {text[:48]}")


if __name__ == "__main__":
    main()
