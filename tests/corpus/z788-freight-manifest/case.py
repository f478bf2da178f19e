"""Nightly job: embed freight manifest lines so the customs team can cluster similar shipments."""
from __future__ import annotations

import logging
import os
import tempfile
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, List

import torch
from transformers import BertConfig, BertModel, BertTokenizer

logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
log = logging.getLogger("manifest_embed")

MAX_TOKENS: int = int(os.environ.get("MAX_TOKENS", "24"))
HIDDEN: int = int(os.environ.get("HIDDEN", "32"))
SEED: int = int(os.environ.get("SEED", "7"))

MANIFEST_LINES: List[str] = [
    "20 pallets frozen shrimp reefer container",
    "machine parts crated steel bearings",
    "bulk rice bags 50 kg each",
    "lithium batteries hazmat class 9 crated",
    "cotton textiles bales container",
    "frozen fish reefer 40 ft",
]

VOCAB: List[str] = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + sorted(
    {w for line in MANIFEST_LINES for w in line.lower().split()}
)


@dataclass
class Batch:
    lines: List[str]
    token_rows: List[List[int]] = field(default_factory=list)
    ids: torch.Tensor | None = None
    pad_mask: torch.Tensor | None = None
    vectors: torch.Tensor | None = None


def build_tokenizer() -> BertTokenizer:
    workdir = tempfile.mkdtemp(prefix="manifest_vocab_")
    vocab_path = os.path.join(workdir, "vocab.txt")
    with open(vocab_path, "w", encoding="utf-8") as fh:
        fh.write("\n".join(VOCAB) + "\n")
    return BertTokenizer(vocab_path)


class Normalize:
    def __call__(self, batch: Batch) -> Batch:
        batch.lines = [" ".join(line.lower().split()) for line in batch.lines]
        return batch


class Tokenize:
    def __init__(self, tokenizer: BertTokenizer) -> None:
        self.tokenizer = tokenizer

    def __call__(self, batch: Batch) -> Batch:
        batch.token_rows = [
            self.tokenizer.encode(line, truncation=True, max_length=MAX_TOKENS) for line in batch.lines
        ]
        log.info("tokenized %d lines, longest=%d", len(batch.token_rows), max(map(len, batch.token_rows)))
        return batch


class PadIds:
    def __init__(self, pad_id: int) -> None:
        self.pad_id = pad_id

    def __call__(self, batch: Batch) -> Batch:
        # pad to the longest row in this batch, saves compute on short manifests
        width = max(len(row) for row in batch.token_rows)
        padded = [row + [self.pad_id] * (width - len(row)) for row in batch.token_rows]
        batch.ids = torch.tensor(padded, dtype=torch.long)
        return batch


class BuildPadMask:
    def __call__(self, batch: Batch) -> Batch:
        lengths = torch.tensor([len(row) for row in batch.token_rows])
        positions = torch.arange(MAX_TOKENS).unsqueeze(0)
        batch.pad_mask = (positions < lengths.unsqueeze(1)).long()
        return batch


class Embed:
    def __init__(self, model: BertModel) -> None:
        self.model = model

    @torch.no_grad()
    def __call__(self, batch: Batch) -> Batch:
        out = self.model(input_ids=batch.ids, attention_mask=batch.pad_mask)
        weights = batch.pad_mask.unsqueeze(-1).float()
        batch.vectors = (out.last_hidden_state * weights).sum(1) / weights.sum(1)
        return batch


Stage = Callable[[Batch], Batch]


class Pipeline:
    def __init__(self, stages: List[Stage]) -> None:
        self.stages = stages

    def __call__(self, batch: Batch) -> Batch:
        for stage in self.stages:
            log.info("running stage %s", type(stage).__name__)
            batch = stage(batch)
        return batch


def run_job() -> Dict[str, Any]:
    torch.manual_seed(SEED)
    tokenizer = build_tokenizer()
    config = BertConfig(
        vocab_size=len(VOCAB), hidden_size=HIDDEN, num_hidden_layers=1, num_attention_heads=2,
        intermediate_size=64, max_position_embeddings=64,
    )
    model = BertModel(config).eval()
    pipeline = Pipeline([Normalize(), Tokenize(tokenizer), PadIds(tokenizer.pad_token_id),
                         BuildPadMask(), Embed(model)])
    result = pipeline(Batch(lines=list(MANIFEST_LINES)))
    sims = torch.nn.functional.cosine_similarity(result.vectors.unsqueeze(1), result.vectors.unsqueeze(0), dim=-1)
    log.info("similarity matrix shape %s", tuple(sims.shape))
    return {"n_lines": len(result.lines), "dim": result.vectors.size(-1)}


if __name__ == "__main__":
    summary = run_job()
    log.info("job finished: %s", summary)
