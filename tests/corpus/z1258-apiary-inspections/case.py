"""Classify free-text beehive inspection notes into the main finding so the
co-op's bee inspector can see at a glance which apiaries need a visit.
Bag-of-words EmbeddingBag model, trained on a handful of annotated notes."""
from dataclasses import dataclass
from functools import partial, reduce
from itertools import chain, islice

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(3)


@dataclass(frozen=True)
class HParams:
    emb_dim: int = 24
    n_findings: int = 4
    lr: float = 0.05
    epochs: int = 15
    batch_size: int = 4


NOTES = [
    ("brood pattern spotty queen not seen eggs absent", "queenless"),
    ("no eggs no young larvae queen cells capped on frame four", "queenless"),
    ("varroa drop count high deformed wings on emerging bees", "mites"),
    ("sugar roll showed nine mites per hundred bees", "mites"),
    ("chalky white mummies on landing board and in cells", "chalkbrood"),
    ("mummified larvae hard white on bottom board", "chalkbrood"),
    ("strong colony solid brood good stores calm temper", "healthy"),
    ("queen seen laying well honey arch full five frames brood", "healthy"),
    ("queen cells along bottom bars colony very crowded", "swarm_prep"),
    ("many swarm cells bees hanging outside entrance", "swarm_prep"),
    ("spotty brood no queen seen laying workers suspected", "queenless"),
    ("mite wash count twelve treat after honey pulled", "mites"),
]


def compose(*fns):
    return lambda x: reduce(lambda acc, f: f(acc), fns, x)


tokenize = compose(str.lower, str.split)


def make_vocab(texts):
    words = sorted(set(chain.from_iterable(map(tokenize, texts))))
    return {w: i for i, w in enumerate(["<unk>"] + words)}


def make_label_encoder(findings):
    index = {name: i for i, name in enumerate(sorted(set(findings)))}
    return index.__getitem__, index


def make_text_encoder(vocab):
    return compose(tokenize, partial(map, lambda w: vocab.get(w, 0)), list)


def batches(pairs, size):
    it = iter(pairs)
    return iter(lambda: list(islice(it, size)), [])


def pack(batch, encode_text, encode_label):
    token_lists = [encode_text(t) for t, _ in batch]
    offsets = torch.tensor([0] + [len(t) for t in token_lists[:-1]]).cumsum(0)
    flat = torch.tensor(list(chain.from_iterable(token_lists)))
    targets = torch.tensor([encode_label(y) for _, y in batch])
    return flat, offsets, targets


class NoteClassifier(nn.Module):
    def __init__(self, vocab_size, emb_dim, n_classes):
        super().__init__()
        self.bag = nn.EmbeddingBag(vocab_size, emb_dim, mode="mean")
        self.out = nn.Linear(emb_dim, n_classes)

    def forward(self, flat, offsets):
        return self.out(torch.tanh(self.bag(flat, offsets)))


def build(hp, vocab):
    return partial(NoteClassifier, len(vocab), hp.emb_dim)


def run_epoch(model, opt, pairs, to_tensors, size):
    losses = []
    for batch in batches(pairs, size):
        flat, offsets, targets = to_tensors(batch)
        loss = F.cross_entropy(model(flat, offsets), targets)
        opt.zero_grad()
        loss.backward()
        opt.step()
        losses.append(loss.item())
    return sum(losses) / len(losses)


def main():
    hp = HParams()
    texts, findings = zip(*NOTES)
    vocab = make_vocab(texts)
    encode_label, label_index = make_label_encoder(findings)
    to_tensors = partial(pack, encode_text=make_text_encoder(vocab), encode_label=encode_label)

    model = build(hp, vocab)(n_classes=hp.n_findings)
    opt = torch.optim.SGD(model.parameters(), lr=hp.lr)
    print(f"vocab={len(vocab)} findings={list(label_index)}")

    for epoch in range(hp.epochs):
        mean_loss = run_epoch(model, opt, NOTES, to_tensors, hp.batch_size)
        if epoch % 5 == 0:
            print(f"epoch {epoch:2d} loss {mean_loss:.4f}")

    with torch.no_grad():
        flat, offsets, targets = to_tensors(NOTES)
        acc = (model(flat, offsets).argmax(-1) == targets).float().mean().item()
    print(f"train accuracy {acc:.2f}")


if __name__ == "__main__":
    main()
