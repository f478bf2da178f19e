"""Variable-misuse bug detector: BERT encoder + pooled identifier subwords -> buggy / clean."""
from __future__ import annotations

import io
import keyword
import os
import random
import re
import tokenize
from dataclasses import dataclass
from typing import Protocol

import torch
import torch.nn as nn
import torch.nn.functional as F
from transformers import BertConfig, BertModel, BertTokenizer

HERE = os.path.dirname(os.path.abspath(__file__))
VOCAB_PATH = os.path.join(HERE, "code_vocab.txt")
MAX_SEQ_LEN = 64
SPECIALS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
_SUBWORD = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|\d+")


@dataclass(frozen=True)
class DetectorConfig:
    max_len: int = 48
    hidden: int = 32
    batch_size: int = 8
    lr: float = 5e-4
    steps: int = 12
    seed: int = 7


class Tokenizes(Protocol):
    def __call__(self, text: list[str], **kwargs) -> dict: ...


def split_subwords(name: str) -> list[str]:
    return [p.lower() for chunk in name.split("_") for p in _SUBWORD.findall(chunk)] or [name.lower()]


def snippet_to_words(src: str) -> tuple[str, frozenset[str]]:
    words: list[str] = []
    idents: set[str] = set()
    for tok in tokenize.generate_tokens(io.StringIO(src).readline):
        if tok.type == tokenize.NAME and not keyword.iskeyword(tok.string):
            parts = split_subwords(tok.string)
            words.extend(parts)
            idents.update(parts)
        elif tok.type in (tokenize.NAME, tokenize.OP, tokenize.NUMBER):
            words.append(tok.string)
    return " ".join(words), frozenset(idents)


def make_snippet(rng: random.Random, buggy: bool) -> str:
    acc, item, seq = rng.choice(["total", "runningSum", "acc_value", "result", "count"]), \
        rng.choice(["item", "elem", "row_value"]), rng.choice(["values", "inputRows", "batch_items"])
    used = acc if buggy else item
    lines = [f"def reduce_{seq}({seq}):", f"    {acc} = 0", f"    for {item} in {seq}:",
             f"        {acc} = {acc} + {used} * {rng.randint(2, 9)}", f"    return {acc}"]
    return "\n".join(lines) + "\n"


def write_vocab(corpus: list[str], path: str) -> None:
    toks = sorted({w for text in corpus for w in text.split()})
    with open(path, "w") as fh:
        fh.write("\n".join(SPECIALS + toks) + "\n")


def build_ident_mask(input_ids: torch.Tensor, ident_ids: set[int], max_len: int = MAX_SEQ_LEN) -> torch.Tensor:
    rows = []
    for row in input_ids.tolist():
        flags = [1.0 if t in ident_ids else 0.0 for t in row]
        rows.append(flags + [0.0] * (max_len - len(flags)))
    return torch.tensor(rows)


class BugDetector(nn.Module):
    def __init__(self, vocab_size: int, cfg: DetectorConfig) -> None:
        super().__init__()
        bert_cfg = BertConfig(vocab_size=vocab_size, hidden_size=cfg.hidden, num_hidden_layers=1,
                              num_attention_heads=2, intermediate_size=64,
                              max_position_embeddings=MAX_SEQ_LEN)
        self.encoder = BertModel(bert_cfg)
        self.head = nn.Linear(2 * cfg.hidden, 2)

    def forward(self, input_ids, attention_mask, ident_mask) -> torch.Tensor:
        hidden = self.encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
        weights = ident_mask.unsqueeze(-1)
        ident_pool = (hidden * weights).sum(1) / weights.sum(1).clamp(min=1.0)
        return self.head(torch.cat([hidden[:, 0], ident_pool], dim=-1))


def encode_batch(tok: Tokenizes, texts: list[str], cfg: DetectorConfig, ident_ids: set[int]) -> dict:
    enc = tok(texts, padding="max_length", truncation=True, max_length=cfg.max_len, return_tensors="pt")
    return {
        "input_ids": enc["input_ids"],
        "attention_mask": enc["attention_mask"],
        "ident_mask": build_ident_mask(enc["input_ids"], ident_ids),
    }


def main() -> None:
    cfg = DetectorConfig()
    rng = random.Random(cfg.seed)
    torch.manual_seed(cfg.seed)

    labels = [rng.random() < 0.5 for _ in range(64)]
    processed = [snippet_to_words(make_snippet(rng, b)) for b in labels]
    texts = [t for t, _ in processed]
    write_vocab(texts, VOCAB_PATH)
    tokenizer = BertTokenizer(VOCAB_PATH, do_lower_case=False)

    ident_words = set().union(*(ids for _, ids in processed))
    ident_ids = {tokenizer.convert_tokens_to_ids(w) for w in ident_words}

    model = BugDetector(tokenizer.vocab_size, cfg)
    opt = torch.optim.AdamW(model.parameters(), lr=cfg.lr)
    y_all = torch.tensor(labels, dtype=torch.long)

    model.train()
    for step in range(cfg.steps):
        idx = rng.sample(range(len(texts)), cfg.batch_size)
        batch = encode_batch(tokenizer, [texts[i] for i in idx], cfg, ident_ids)
        logits = model(**batch)
        loss = F.cross_entropy(logits, y_all[idx])
        opt.zero_grad()
        loss.backward()
        opt.step()
        if step % 4 == 0:
            print(f"step {step:02d} loss={loss.item():.4f}")

    model.eval()
    with torch.no_grad():
        batch = encode_batch(tokenizer, texts[:16], cfg, ident_ids)
        preds = model(**batch).argmax(-1)
    print("train-subset acc:", (preds == y_all[:16]).float().mean().item())


if __name__ == "__main__":
    main()
