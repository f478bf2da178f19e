"""sstag: per-residue secondary structure tagging (H/E/C) with a tiny BERT token classifier."""
from __future__ import annotations

import random
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Callable, Dict, Iterable, List, Tuple

import torch
from transformers import BertConfig, BertForTokenClassification, BertTokenizer, PreTrainedModel


class AminoAcid(str, Enum):
    A = "A"; R = "R"; N = "N"; D = "D"; C = "C"; Q = "Q"; E = "E"; G = "G"; H = "H"; I = "I"
    L = "L"; K = "K"; M = "M"; F = "F"; P = "P"; S = "S"; T = "T"; W = "W"; Y = "Y"; V = "V"


class SS(int, Enum):
    COIL = 0
    HELIX = 1
    STRAND = 2


HELIX_FORMERS = set("AELMQKRH")
STRAND_FORMERS = set("VIYFWT")
ARCHS: Dict[str, Callable[..., PreTrainedModel]] = {}


def arch(name: str):
    def _reg(fn):
        ARCHS[name] = fn
        return fn
    return _reg


@dataclass
class TaggerRun:
    arch: str = "bert_tiny"
    max_len: int = 128
    n_chains: int = 48
    len_range: Tuple[int, int] = (50, 180)
    batch: int = 8
    steps_per_epoch: int = 6
    epochs: int = 1
    lr: float = 5e-4
    seed: int = 3


def write_vocab(folder: Path) -> Path:
    path = folder / "aa_vocab.txt"
    path.write_text("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + [a.value for a in AminoAcid]) + "\n")
    return path


@arch("bert_tiny")
def bert_tiny(vocab_size: int, run: TaggerRun) -> PreTrainedModel:
    cfg = BertConfig(
        vocab_size=vocab_size,
        hidden_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=run.max_len,
        num_labels=len(SS),
    )
    return BertForTokenClassification(cfg)


def fake_ss(seq: str) -> List[int]:
    out = []
    for i in range(len(seq)):
        window = seq[max(0, i - 2): i + 3]
        h = sum(c in HELIX_FORMERS for c in window)
        e = sum(c in STRAND_FORMERS for c in window)
        out.append(SS.HELIX if h >= 3 else SS.STRAND if e >= 3 else SS.COIL)
    return [int(x) for x in out]


def synth_chains(run: TaggerRun, rng: random.Random) -> List[Tuple[str, List[int]]]:
    aas = [a.value for a in AminoAcid]
    chains = []
    for _ in range(run.n_chains):
        seq = "".join(rng.choices(aas, k=rng.randint(*run.len_range)))
        chains.append((seq, fake_ss(seq)))
    return chains


def encode_batch(tok: BertTokenizer, chunk: List[Tuple[str, List[int]]], run: TaggerRun) -> Dict[str, torch.Tensor]:
    enc = tok([" ".join(s) for s, _ in chunk], padding=True, truncation=True,
              max_length=run.max_len, return_tensors="pt")
    width = enc["input_ids"].shape[1]
    labels = torch.full((len(chunk), width), -100, dtype=torch.long)
    for row, (_, ss) in enumerate(chunk):
        kept = ss[: width - 2]
        labels[row, 1: 1 + len(kept)] = torch.tensor(kept)
    enc["labels"] = labels
    return enc


def sample_batches(chains, run: TaggerRun, rng: random.Random) -> Iterable[List[Tuple[str, List[int]]]]:
    for _ in range(run.steps_per_epoch):
        yield rng.sample(chains, run.batch)


def predict_ss(model: PreTrainedModel, tok: BertTokenizer, seq: str) -> str:
    model.eval()
    enc = tok(" ".join(seq), return_tensors="pt")
    with torch.no_grad():
        logits = model(**enc).logits[0, 1:-1]
    symbols = {SS.COIL: "C", SS.HELIX: "H", SS.STRAND: "E"}
    return "".join(symbols[SS(int(i))] for i in logits.argmax(-1))


def main(run: TaggerRun) -> None:
    rng = random.Random(run.seed)
    torch.manual_seed(run.seed)
    vocab_file = write_vocab(Path(__file__).resolve().parent)
    tok = BertTokenizer(str(vocab_file), do_lower_case=False)
    vocab_file.unlink()
    model = ARCHS[run.arch](tok.vocab_size, run)
    opt = torch.optim.Adam(model.parameters(), lr=run.lr)
    chains = synth_chains(run, rng)

    for epoch in range(run.epochs):
        model.train()
        for step, chunk in enumerate(sample_batches(chains, run, rng)):
            loss = model(**encode_batch(tok, chunk, run)).loss
            loss.backward()
            opt.step()
            opt.zero_grad()
            print(f"epoch {epoch} step {step} loss {loss.item():.4f}")

    query = "".join(rng.choices([a.value for a in AminoAcid], k=240))
    pred = predict_ss(model, tok, query)
    print(query[:60])
    print(pred[:60])
    print("helix fraction", round(pred.count("H") / len(pred), 3))


if __name__ == "__main__":
    main(TaggerRun())
