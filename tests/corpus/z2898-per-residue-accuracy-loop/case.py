"""3-state secondary structure tagging (H/E/C) with a tiny BERT over single residues.

Evaluation reports accuracy per annotated segment, using the same 1-based
numbering as PDB HELIX/SHEET records so results can be compared to DSSP.
"""
from __future__ import annotations

import os
import random
from collections import defaultdict
from dataclasses import dataclass
from enum import Enum
from typing import Callable, Dict, Iterator, List, Tuple

import torch
from transformers import BertConfig, BertForTokenClassification, BertTokenizer


class SS(Enum):
    HELIX = "H"
    STRAND = "E"
    COIL = "C"


SS_INDEX: Dict[str, int] = {s.value: i for i, s in enumerate(SS)}
RESIDUES: Tuple[str, ...] = tuple("ACDEFGHIKLMNPQRSTVWY")
HELIX_FORMERS, STRAND_FORMERS, COIL_FORMERS = "AELMQKRH", "VIYFWT", "GPNDSC"

ARCHS: Dict[str, Callable[[int, "TrainConfig"], BertForTokenClassification]] = {}


def arch(name: str):
    def _reg(fn):
        ARCHS[name] = fn
        return fn
    return _reg


@dataclass
class TrainConfig:
    n_chains: int = 64
    batch_size: int = 8
    epochs: int = 1
    lr: float = 5e-4
    hidden: int = 32
    max_positions: int = 128
    arch: str = "bert-1layer"
    seed: int = 3


@dataclass(frozen=True)
class Segment:
    kind: SS
    start: int
    end: int


def write_residue_vocab(folder: str) -> str:
    path = os.path.join(folder, "residue_vocab.txt")
    with open(path, "w") as fh:
        for tok in ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", *RESIDUES, "X"]:
            fh.write(tok + "\n")
    return path


def synth_chain(rng: random.Random) -> Tuple[str, str]:
    seq, ss = [], []
    target = rng.randint(40, 90)
    while len(seq) < target:
        kind = rng.choice(list(SS))
        span = {SS.HELIX: (6, 14), SS.STRAND: (4, 8), SS.COIL: (2, 6)}[kind]
        pool = {SS.HELIX: HELIX_FORMERS, SS.STRAND: STRAND_FORMERS, SS.COIL: COIL_FORMERS}[kind]
        for _ in range(rng.randint(*span)):
            seq.append(rng.choice(pool) if rng.random() < 0.8 else rng.choice(RESIDUES))
            ss.append(kind.value)
    return "".join(seq), "".join(ss)


def segments(ss: str) -> List[Segment]:
    out: List[Segment] = []
    run_start = 0
    for i in range(1, len(ss) + 1):
        if i == len(ss) or ss[i] != ss[run_start]:
            out.append(Segment(SS(ss[run_start]), run_start + 1, i))
            run_start = i
    return out


def batches(chains: List[Tuple[str, str]], size: int) -> Iterator[List[Tuple[str, str]]]:
    for i in range(0, len(chains), size):
        yield chains[i:i + size]


def encode(tok: BertTokenizer, chunk: List[Tuple[str, str]]) -> Dict[str, torch.Tensor]:
    enc = tok([" ".join(seq) for seq, _ in chunk], padding=True, return_tensors="pt")
    labels = torch.full_like(enc["input_ids"], -100)
    for row, (_, ss) in enumerate(chunk):
        labels[row, 1:1 + len(ss)] = torch.tensor([SS_INDEX[c] for c in ss])
    enc["labels"] = labels
    return dict(enc)


@arch("bert-1layer")
def bert_one_layer(vocab_size: int, cfg: TrainConfig) -> BertForTokenClassification:
    return BertForTokenClassification(BertConfig(
        vocab_size=vocab_size, hidden_size=cfg.hidden, num_hidden_layers=1,
        num_attention_heads=2, intermediate_size=2 * cfg.hidden,
        max_position_embeddings=cfg.max_positions, num_labels=len(SS),
    ))


@torch.no_grad()
def segment_report(model, tok, chains: List[Tuple[str, str]], cfg: TrainConfig) -> Dict[SS, float]:
    model.eval()
    hit: Dict[SS, int] = defaultdict(int)
    seen: Dict[SS, int] = defaultdict(int)
    for chunk in batches(chains, cfg.batch_size):
        batch = encode(tok, chunk)
        batch.pop("labels")
        logits = model(**batch).logits
        for row, (seq, ss) in enumerate(chunk):
            pred = logits[row, 1:len(seq) + 1].argmax(-1)
            for seg in segments(ss):
                want = SS_INDEX[seg.kind.value]
                for resnum in range(seg.start, seg.end + 1):
                    hit[seg.kind] += int(pred[resnum] == want)
                    seen[seg.kind] += 1
    return {k: hit[k] / seen[k] for k in seen}


def run(cfg: TrainConfig, workdir: str) -> None:
    rng = random.Random(cfg.seed)
    torch.manual_seed(cfg.seed)
    chains = [synth_chain(rng) for _ in range(cfg.n_chains)]
    train_chains, test_chains = chains[:48], chains[48:]
    tok = BertTokenizer(write_residue_vocab(workdir), do_lower_case=False)
    model = ARCHS[cfg.arch](tok.vocab_size, cfg)
    opt = torch.optim.AdamW(model.parameters(), lr=cfg.lr)
    for epoch in range(cfg.epochs):
        model.train()
        for chunk in batches(train_chains, cfg.batch_size):
            loss = model(**encode(tok, chunk)).loss
            opt.zero_grad()
            loss.backward()
            opt.step()
        print(f"epoch {epoch} loss {loss.item():.3f}")
    for kind, acc in segment_report(model, tok, test_chains, cfg).items():
        print(f"{kind.name:>6}: {acc:.3f}")


if __name__ == "__main__":
    run(TrainConfig(), os.path.dirname(os.path.abspath(__file__)))
