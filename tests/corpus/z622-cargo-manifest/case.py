"""Tag dangerous-goods mentions in free-text cargo manifest lines (UN number, hazard class,
packaging) with a small BiGRU tagger. Manifests arrive grouped by voyage."""
from functools import partial
from itertools import chain, groupby, islice
from typing import Dict, Iterable, Iterator, List, NamedTuple, Tuple

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(3)

TAGS = ["O", "UN", "CLASS", "PKG"]
TAG_ID = {t: i for i, t in enumerate(TAGS)}
IGNORE = -100
PAD, UNK, BOS, EOS = "<pad>", "<unk>", "<bos>", "<eos>"

MANIFEST = """\
V101|un1203/UN gasoline/O class/O 3/CLASS in/O drums/PKG
V101|un1830/UN sulphuric/O acid/O 8/CLASS ibc/PKG
V101|machine/O parts/O crated/PKG
V102|un1090/UN acetone/O 3/CLASS jerrycans/PKG x/O 40/O
V102|textiles/O baled/PKG
V102|un2794/UN batteries/O wet/O acid/O 8/CLASS pallets/PKG
V103|un1263/UN paint/O 3/CLASS drums/PKG
V103|
V103|frozen/O fish/O reefer/PKG
"""


class Line(NamedTuple):
    voyage: str
    words: Tuple[str, ...]
    tags: Tuple[str, ...]


class Encoded(NamedTuple):
    voyage: str
    word_ids: List[int]
    tag_ids: List[int]


def read_manifest(text: str) -> Iterator[Line]:
    for raw in text.splitlines():
        voyage, _, body = raw.partition("|")
        pairs = [p.rsplit("/", 1) for p in body.split()]
        yield Line(voyage, tuple(w for w, _ in pairs), tuple(t for _, t in pairs))


def non_empty(line: Line) -> bool:
    return len(line.words) > 0


def clean(line: Line) -> Line:
    return line._replace(words=tuple(w.lower().strip(".,") for w in line.words))


def build_vocab(lines: Iterable[Line]) -> Dict[str, int]:
    words = sorted(set(chain.from_iterable(l.words for l in lines)))
    return {w: i for i, w in enumerate(chain([PAD, UNK, BOS, EOS], words))}


def encode(line: Line, vocab: Dict[str, int]) -> Encoded:
    word_ids = [vocab[BOS]] + [vocab.get(w, vocab[UNK]) for w in line.words] + [vocab[EOS]]
    tag_ids = [TAG_ID[t] for t in line.tags]
    return Encoded(line.voyage, word_ids, tag_ids)


def pad_rows(rows: List[List[int]], value: int) -> torch.Tensor:
    width = max(map(len, rows))
    return torch.tensor([r + [value] * (width - len(r)) for r in rows])


def voyage_batches(items: Iterable[Encoded], max_size: int) -> Iterator[Tuple[str, torch.Tensor, torch.Tensor]]:
    for voyage, group in groupby(items, key=lambda e: e.voyage):
        group = iter(group)
        while chunk := list(islice(group, max_size)):
            words = pad_rows([e.word_ids for e in chunk], value=0)
            tags = pad_rows([e.tag_ids for e in chunk], value=IGNORE)
            yield voyage, words, tags


class ManifestTagger(nn.Module):
    def __init__(self, vocab_size: int, n_tags: int, dim: int = 32):
        super().__init__()
        self.emb = nn.Embedding(vocab_size, dim, padding_idx=0)
        self.rnn = nn.GRU(dim, dim, batch_first=True, bidirectional=True)
        self.out = nn.Linear(2 * dim, n_tags)

    def forward(self, word_ids: torch.Tensor) -> torch.Tensor:
        hidden, _ = self.rnn(self.emb(word_ids))
        return self.out(hidden)


def main() -> None:
    lines = list(map(clean, filter(non_empty, read_manifest(MANIFEST))))
    vocab = build_vocab(lines)
    encoded = list(map(partial(encode, vocab=vocab), lines))
    print(f"{len(encoded)} manifest lines, vocab={len(vocab)}")

    model = ManifestTagger(len(vocab), len(TAGS))
    opt = torch.optim.Adam(model.parameters(), lr=1e-2)

    for epoch in range(5):
        running = 0.0
        for voyage, words, tags in voyage_batches(encoded, max_size=2):
            scores = model(words)
            loss = F.cross_entropy(scores.reshape(-1, len(TAGS)), tags.reshape(-1),
                                   ignore_index=IGNORE)
            opt.zero_grad()
            loss.backward()
            opt.step()
            running += loss.item()
        print(f"epoch {epoch} loss {running:.3f}")

    model.eval()
    inv = {i: w for w, i in vocab.items()}
    with torch.no_grad():
        sample = encoded[0]
        pred = model(torch.tensor([sample.word_ids]))[0].argmax(-1).tolist()
    print([(inv[w], TAGS[p]) for w, p in zip(sample.word_ids, pred)])


if __name__ == "__main__":
    main()
