"""Batch job: route seismic station bulletins to the right analyst queue (noise / local quake / teleseism)."""
from __future__ import annotations

import logging
import os
from collections import Counter
from typing import Callable, Dict, List, NamedTuple

import torch
import torch.nn as nn

logging.basicConfig(level=logging.INFO, format="%(asctime)s | %(name)s | %(message)s")
log = logging.getLogger("bulletin_router")

MAX_TOKENS: int = int(os.environ.get("MAX_TOKENS", "24"))
EMBED_DIM: int = int(os.environ.get("EMBED_DIM", "16"))
HIDDEN_DIM: int = int(os.environ.get("HIDDEN_DIM", "24"))
QUEUES: List[str] = os.environ.get("QUEUES", "noise,local,teleseism").split(",")

BULLETINS: List[str] = [
    "STA KRV3 emergent arrival low amplitude wind gusts reported",
    "STA PLT1 impulsive P arrival S-P 4.2 s local event",
    "STA KRV3 long period surface waves far field arrival",
    "STA DMN2 truck traffic cultural noise daytime",
    "STA PLT1 clear P and S phases small local quake",
    "STA DMN2 PKP phase teleseismic arrival deep event",
]


class Encoded(NamedTuple):
    token_ids: torch.Tensor
    lengths: torch.Tensor


class Tokenize:
    def __call__(self, docs: List[str]) -> List[List[str]]:
        return [doc.lower().replace(",", " ").split() for doc in docs]


class BuildVocab:
    def __init__(self) -> None:
        self.stoi: Dict[str, int] = {"<pad>": 0, "<unk>": 1}

    def __call__(self, docs: List[List[str]]) -> List[List[str]]:
        counts = Counter(tok for doc in docs for tok in doc)
        for tok, _ in counts.most_common():
            self.stoi.setdefault(tok, len(self.stoi))
        log.info("vocab size %d", len(self.stoi))
        return docs


class ToTensor:
    def __init__(self, vocab: BuildVocab) -> None:
        self.vocab = vocab

    def __call__(self, docs: List[List[str]]) -> Encoded:
        rows = [[self.vocab.stoi.get(t, 1) for t in doc][:MAX_TOKENS] for doc in docs]
        width = max(len(r) for r in rows)
        ids = torch.zeros(len(rows), width, dtype=torch.long)
        for i, r in enumerate(rows):
            ids[i, : len(r)] = torch.tensor(r)
        return Encoded(ids, torch.tensor([len(r) for r in rows]))


class BulletinEncoder(nn.Module):
    def __init__(self, vocab_size: int, n_queues: int) -> None:
        super().__init__()
        self.embed = nn.Embedding(vocab_size, EMBED_DIM, padding_idx=0)
        self.rnn = nn.GRU(EMBED_DIM, HIDDEN_DIM, batch_first=True, bidirectional=True)
        self.dropout = nn.Dropout(0.1)
        self.head = nn.Linear(HIDDEN_DIM, n_queues)

    def forward(self, token_ids: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
        states, _ = self.rnn(self.embed(token_ids))
        keep = (token_ids != 0).unsqueeze(-1).float()
        pooled = (states * keep).sum(dim=1) / lengths.unsqueeze(-1).float()
        return self.head(self.dropout(pooled))


class Route:
    def __init__(self, model: BulletinEncoder) -> None:
        self.model = model

    @torch.no_grad()
    def __call__(self, enc: Encoded) -> List[str]:
        self.model.eval()
        scores = self.model(enc.token_ids, enc.lengths)
        return [QUEUES[i] for i in scores.argmax(dim=-1).tolist()]


Stage = Callable[[object], object]
Pipeline = List[Stage]


def run_pipeline(stages: Pipeline, payload: object) -> object:
    for stage in stages:
        log.info("-> %s", type(stage).__name__)
        payload = stage(payload)
    return payload


def run_job() -> List[str]:
    torch.manual_seed(3)
    vocab = BuildVocab()
    # vocab has to be filled before the model can be sized, so run the prep stages first
    prepared = run_pipeline([Tokenize(), vocab], BULLETINS)
    model = BulletinEncoder(len(vocab.stoi), len(QUEUES))
    scoring: Pipeline = [ToTensor(vocab), Route(model)]
    routed = run_pipeline(scoring, prepared)
    for doc, queue in zip(BULLETINS, routed):
        log.info("%-10s <- %s", queue, doc[:40])
    return routed


if __name__ == "__main__":
    run_job()
