"""ppibert: tiny BERT over residue tokens for protein-protein interaction (pair) classification."""
from __future__ import annotations

import os
import random
from dataclasses import dataclass
from enum import Enum
from typing import Callable, Dict, List, Tuple

import torch
import torch.nn as nn
from transformers import BertConfig, BertForMaskedLM, BertForSequenceClassification, BertTokenizer


class Residue(Enum):
    ALA = "A"; CYS = "C"; ASP = "D"; GLU = "E"; PHE = "F"
    GLY = "G"; HIS = "H"; ILE = "I"; LYS = "K"; LEU = "L"
    MET = "M"; ASN = "N"; PRO = "P"; GLN = "Q"; ARG = "R"
    SER = "S"; THR = "T"; VAL = "V"; TRP = "W"; TYR = "Y"


SPECIAL_TOKENS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
BUILDERS: Dict[str, Callable[["Settings", int], nn.Module]] = {}


def builder(task: str):
    def wrap(fn: Callable[["Settings", int], nn.Module]) -> Callable[["Settings", int], nn.Module]:
        BUILDERS[task] = fn
        return fn
    return wrap


@dataclass(frozen=True)
class Settings:
    task: str = "pair_cls"
    hidden: int = 32
    layers: int = 1
    heads: int = 2
    ffn: int = 64
    max_positions: int = 256
    type_vocab_size: int = 1
    num_pairs: int = 64
    min_chain: int = 20
    max_chain: int = 60
    batch_size: int = 8
    lr: float = 3e-4
    epochs: int = 1
    seed: int = 11
    workdir: str = os.path.dirname(os.path.abspath(__file__))


def write_residue_vocab(path: str) -> str:
    with open(path, "w") as fh:
        for tok in SPECIAL_TOKENS + [r.value for r in Residue]:
            fh.write(tok + "\n")
    return path


def spaced(chain: str) -> str:
    return " ".join(chain)


def bert_config(s: Settings, vocab_size: int, **extra) -> BertConfig:
    return BertConfig(
        vocab_size=vocab_size,
        hidden_size=s.hidden,
        num_hidden_layers=s.layers,
        num_attention_heads=s.heads,
        intermediate_size=s.ffn,
        max_position_embeddings=s.max_positions,
        type_vocab_size=s.type_vocab_size,
        **extra,
    )


@builder("mlm")
def build_mlm(s: Settings, vocab_size: int) -> nn.Module:
    return BertForMaskedLM(bert_config(s, vocab_size))


@builder("pair_cls")
def build_pair_classifier(s: Settings, vocab_size: int) -> nn.Module:
    return BertForSequenceClassification(bert_config(s, vocab_size, num_labels=2))


def random_chain(rng: random.Random, s: Settings) -> str:
    letters = [r.value for r in Residue]
    return "".join(rng.choice(letters) for _ in range(rng.randint(s.min_chain, s.max_chain)))


def make_pairs(s: Settings, rng: random.Random) -> List[Tuple[str, str, int]]:
    pairs = []
    for _ in range(s.num_pairs):
        a, b = random_chain(rng, s), random_chain(rng, s)
        charge = sum(c in "KR" for c in a) - sum(c in "DE" for c in b)
        pairs.append((a, b, int(charge > 0)))
    return pairs


def batches(pairs: List[Tuple[str, str, int]], size: int, tok: BertTokenizer):
    for start in range(0, len(pairs), size):
        chunk = pairs[start:start + size]
        enc = tok(
            [spaced(a) for a, _, _ in chunk],
            [spaced(b) for _, b, _ in chunk],
            padding=True,
            truncation=True,
            max_length=256,
            return_tensors="pt",
        )
        enc["labels"] = torch.tensor([y for _, _, y in chunk])
        yield enc


def run(s: Settings) -> None:
    rng = random.Random(s.seed)
    torch.manual_seed(s.seed)
    vocab_path = write_residue_vocab(os.path.join(s.workdir, "residues.vocab"))
    tok = BertTokenizer(vocab_path, do_lower_case=False)
    os.remove(vocab_path)
    model = BUILDERS[s.task](s, tok.vocab_size)
    optim = torch.optim.AdamW(model.parameters(), lr=s.lr)
    pairs = make_pairs(s, rng)
    split = int(0.75 * len(pairs))
    train_pairs, val_pairs = pairs[:split], pairs[split:]

    for epoch in range(s.epochs):
        model.train()
        for step, batch in enumerate(batches(train_pairs, s.batch_size, tok)):
            out = model(**batch)
            out.loss.backward()
            optim.step()
            optim.zero_grad()
            if step % 2 == 0:
                print(f"epoch {epoch} step {step} loss {out.loss.item():.4f}")

    model.eval()
    correct = 0
    with torch.no_grad():
        for batch in batches(val_pairs, s.batch_size, tok):
            labels = batch.pop("labels")
            pred = model(**batch).logits.argmax(-1)
            correct += int((pred == labels).sum())
    print(f"val acc {correct / len(val_pairs):.3f}")


if __name__ == "__main__":
    run(Settings())
