"""Query/code retrieval with a tiny BERT encoder shared by both towers (random weights)."""
from __future__ import annotations

import os
import random
import re
from dataclasses import dataclass, field
from typing import Iterable, Protocol

import torch
import torch.nn.functional as F
from transformers import BertConfig, BertModel, BertTokenizer

HERE = os.path.dirname(os.path.abspath(__file__))
SUBWORD = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+|[^\sA-Za-z\d]")

WORDS = ["get", "set", "parse", "load", "save", "user", "config", "node", "tree", "path", "file",
         "cache", "token", "index", "value", "key", "item", "list", "dict", "result", "return",
         "def", "for", "in", "if", "not", "none", "self", "len", "range", "append", "raise",
         "error", "count", "max", "min", "sort", "split", "join", "line", "row", "col", "batch"]
SYMBOLS = list("()[]{}:.,=+-<>*_")


@dataclass(frozen=True)
class RetrievalConfig:
    max_query_len: int = 32
    max_code_len: int = 96
    hidden: int = 32
    temperature: float = 0.05
    batch_size: int = 8
    steps: int = 3
    special_tokens: tuple[str, ...] = field(default=("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"))


class Embedder(Protocol):
    def embed(self, texts: list[str], max_len: int) -> torch.Tensor: ...


def write_vocab(cfg: RetrievalConfig, path: str) -> str:
    pieces = list(cfg.special_tokens) + WORDS + SYMBOLS + [f"##{w}" for w in WORDS]
    with open(path, "w", encoding="utf-8") as fh:
        fh.write("\n".join(dict.fromkeys(pieces)) + "\n")
    return path


def normalise_code(src: str) -> str:
    return " ".join(SUBWORD.findall(src)).lower()


def synth_function(rng: random.Random) -> tuple[str, str]:
    verb, noun = rng.choice(WORDS[:5]), rng.choice(WORDS[5:20])
    body = []
    for i in range(rng.randint(6, 10)):
        var = f"{rng.choice(WORDS[5:20])}_{i}"
        body.append(f"    {var} = {noun}Map.get({rng.choice(WORDS[5:20])!r}, None)")
        body.append(f"    if {var} is not None: resultList.append(len({var}))")
    src = f"def {verb}{noun.title()}({noun}Map):\n    resultList = []\n" + "\n".join(body) + "\n    return resultList\n"
    query = f"{verb} the {noun} values from a mapping"
    return query, src


def batches(pairs: list[tuple[str, str]], size: int) -> Iterable[tuple[list[str], list[str]]]:
    for start in range(0, len(pairs) - size + 1, size):
        chunk = pairs[start:start + size]
        yield [q for q, _ in chunk], [normalise_code(c) for _, c in chunk]


class BertEmbedder:
    def __init__(self, cfg: RetrievalConfig, vocab_path: str) -> None:
        self.tokenizer = BertTokenizer(vocab_path)
        bert_cfg = BertConfig(
            vocab_size=self.tokenizer.vocab_size,
            hidden_size=cfg.hidden,
            num_hidden_layers=1,
            num_attention_heads=2,
            intermediate_size=64,
            max_position_embeddings=cfg.max_query_len,
        )
        self.model = BertModel(bert_cfg)

    def embed(self, texts: list[str], max_len: int) -> torch.Tensor:
        enc = self.tokenizer(texts, padding="max_length", truncation=True, max_length=max_len,
                             return_tensors="pt")
        out = self.model(**enc).last_hidden_state
        mask = enc["attention_mask"].unsqueeze(-1).to(out.dtype)
        pooled = (out * mask).sum(1) / mask.sum(1)
        return F.normalize(pooled, dim=-1)


def contrastive_step(embedder: Embedder, cfg: RetrievalConfig, queries: list[str], codes: list[str]) -> torch.Tensor:
    q = embedder.embed(queries, cfg.max_query_len)
    c = embedder.embed(codes, cfg.max_code_len)
    logits = q @ c.T / cfg.temperature
    labels = torch.arange(len(queries))
    return F.cross_entropy(logits, labels)


def main() -> None:
    random.seed(7)
    torch.manual_seed(7)
    cfg = RetrievalConfig()
    vocab_path = write_vocab(cfg, os.path.join(HERE, "code_vocab.txt"))
    rng = random.Random(7)
    pairs = [synth_function(rng) for _ in range(cfg.batch_size * cfg.steps)]
    embedder = BertEmbedder(cfg, vocab_path)
    optim = torch.optim.AdamW(embedder.model.parameters(), lr=5e-4)
    try:
        for step, (queries, codes) in enumerate(batches(pairs, cfg.batch_size)):
            loss = contrastive_step(embedder, cfg, queries, codes)
            optim.zero_grad()
            loss.backward()
            optim.step()
            print(f"step {step} loss {loss.item():.4f}")
    finally:
        os.remove(vocab_path)


if __name__ == "__main__":
    main()
