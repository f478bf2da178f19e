import io
import keyword
import random
import re
import tokenize
from dataclasses import dataclass
from typing import Callable, Dict, List, Protocol, Sequence

import torch
import torch.nn as nn
from torch.utils.data import DataLoader, Dataset

SEED = 31
random.seed(SEED)
torch.manual_seed(SEED)

MAX_CHARS = 256
MAX_TOKENS = 64
PIECE_RE = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+")
DROP = {tokenize.NL, tokenize.NEWLINE, tokenize.COMMENT, tokenize.ENDMARKER}


@dataclass(frozen=True)
class Sample:
    code: str
    is_buggy: int


class Featurizer(Protocol):
    def __call__(self, code: str) -> List[str]: ...


def lex(code: str) -> List[str]:
    out: List[str] = []
    for tok in tokenize.generate_tokens(io.StringIO(code).readline):
        if tok.type in DROP:
            continue
        if tok.type == tokenize.INDENT:
            out.append("<indent>")
        elif tok.type == tokenize.DEDENT:
            out.append("<dedent>")
        elif tok.type == tokenize.NAME and not keyword.iskeyword(tok.string):
            out.extend(p.lower() for p in PIECE_RE.findall(tok.string) or ["_"])
        elif tok.type == tokenize.STRING:
            out.append("<str>")
        else:
            out.append(tok.string)
    return out


def clipped_lex(code: str) -> List[str]:
    return lex(code[:MAX_CHARS])[:MAX_TOKENS]


def render(rng: random.Random, buggy: bool) -> str:
    fn = rng.choice(["fetchUserRows", "mergeConfigDicts", "buildIndexMap", "sendBatchRequest"])
    arg = rng.choice(["recordList", "payload", "itemsById", "rawLines"])
    cmp_op = "is" if buggy else "=="
    pad = " " * rng.randint(0, 40)
    return (
        f"def {fn}({arg}, retryLimit=3):{pad}\n"
        f'    """Process {arg} and report progress."""\n'
        f"    results = []\n"
        f"    for position, entry in enumerate({arg}):\n"
        f"        if entry.status {cmp_op} 'done':\n"
        f"            continue\n"
        f"        results.append(\n"
        f"            transformEntry(\n"
        f"                entry,\n"
        f"                position=position,\n"
        f"                retries=retryLimit,\n"
        f"            )\n"
        f"        )\n"
        f"    return results\n"
    )


def make_corpus(n: int) -> List[Sample]:
    rng = random.Random(SEED)
    return [Sample(render(rng, b), int(b)) for b in (rng.random() < 0.5 for _ in range(n))]


def build_vocab(samples: Sequence[Sample], featurize: Featurizer) -> Dict[str, int]:
    vocab = {"<pad>": 0, "<unk>": 1}
    for s in samples[:8]:
        for t in featurize(s.code):
            vocab.setdefault(t, len(vocab))
    return vocab


class SnippetDataset(Dataset):
    def __init__(self, samples: Sequence[Sample], vocab: Dict[str, int], featurize: Featurizer) -> None:
        self.samples, self.vocab, self.featurize = list(samples), vocab, featurize

    def __len__(self) -> int:
        return len(self.samples)

    def __getitem__(self, idx: int) -> Dict[str, torch.Tensor]:
        s = self.samples[idx]
        ids = [self.vocab.get(t, 1) for t in self.featurize(s.code)] or [1]
        return {"ids": torch.tensor(ids), "label": torch.tensor(float(s.is_buggy))}


def pad_collate(batch: List[Dict[str, torch.Tensor]]) -> Dict[str, torch.Tensor]:
    ids = nn.utils.rnn.pad_sequence([b["ids"] for b in batch], batch_first=True)
    return {"ids": ids, "label": torch.stack([b["label"] for b in batch])}


class BagOfSubwordsClassifier(nn.Module):
    def __init__(self, vocab_size: int, dim: int = 32) -> None:
        super().__init__()
        self.emb = nn.EmbeddingBag(vocab_size, dim, mode="mean", padding_idx=0)
        self.out = nn.Sequential(nn.Linear(dim, dim), nn.GELU(), nn.Linear(dim, 1))

    def forward(self, ids: torch.Tensor) -> torch.Tensor:
        return self.out(self.emb(ids)).squeeze(-1)


def train(featurize: Callable[[str], List[str]]) -> None:
    corpus = make_corpus(160)
    vocab = build_vocab(corpus, featurize)
    loader = DataLoader(SnippetDataset(corpus, vocab, featurize), batch_size=16,
                        shuffle=True, collate_fn=pad_collate)
    model = BagOfSubwordsClassifier(len(vocab))
    opt = torch.optim.Adam(model.parameters(), lr=1e-2)
    loss_fn = nn.BCEWithLogitsLoss()
    for epoch in range(3):
        total = 0.0
        for batch in loader:
            loss = loss_fn(model(batch["ids"]), batch["label"])
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item()
        print(f"epoch {epoch} mean loss {total / len(loader):.4f} vocab={len(vocab)}")


if __name__ == "__main__":
    train(clipped_lex)
