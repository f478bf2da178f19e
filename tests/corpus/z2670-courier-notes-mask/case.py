"""Flag courier drop-off notes that need a manual call (gate codes, stairs, pets, ...)."""
from __future__ import annotations

import logging
import random
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Dict, List

import torch
from torch import nn
from transformers import BertConfig, BertModel, BertTokenizer

logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
LOG = logging.getLogger("dropoff_notes")

WORKDIR = Path(__file__).resolve().parent

CONFIG: Dict[str, object] = {
    "seed": 2024,
    "n_notes": 80,
    "max_tokens": 40,
    "batch_size": 8,
    "epochs": 2,
    "lr": 1e-3,
    "vocab_file": WORKDIR / "dropoff_vocab.txt",
}

RISKY = ["gate", "code", "buzzer", "stairs", "dog", "call", "broken", "elevator"]
BENIGN = ["leave", "door", "front", "porch", "thanks", "lobby", "desk", "bag"]
GLUE = ["please", "at", "the", "on", "no", "is", "floor", "third", "a", "my"]


@dataclass
class NoteBatch:
    input_ids: torch.Tensor
    attention_mask: torch.Tensor
    needs_call: torch.Tensor
    meta: Dict[str, int] = field(default_factory=dict)


def write_vocab(path: Path) -> Path:
    tokens = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + sorted(set(RISKY + BENIGN + GLUE))
    path.write_text("\n".join(tokens) + "\n", encoding="utf-8")
    return path


def synth_notes(n: int, rng: random.Random) -> List[tuple[str, int]]:
    notes = []
    for _ in range(n):
        risky = rng.random() < 0.4
        pool = RISKY if risky else BENIGN
        words = rng.sample(pool, rng.randint(1, 3)) + rng.sample(GLUE, rng.randint(1, 5))
        rng.shuffle(words)
        notes.append((" ".join(words), int(risky)))
    return notes


def pad_ids(seqs: List[List[int]], length: int, pad_id: int) -> torch.Tensor:
    return torch.tensor([s[:length] + [pad_id] * (length - len(s[:length])) for s in seqs], dtype=torch.long)


def build_attention_mask(seqs: List[List[int]]) -> torch.Tensor:
    longest = max(len(s) for s in seqs)
    return torch.tensor([[1] * len(s) + [0] * (longest - len(s)) for s in seqs], dtype=torch.long)


def make_batcher(tokenizer: BertTokenizer) -> Callable[[List[tuple[str, int]]], NoteBatch]:
    max_tokens = int(CONFIG["max_tokens"])

    def batcher(rows: List[tuple[str, int]]) -> NoteBatch:
        seqs = [tokenizer.encode(text, add_special_tokens=True) for text, _ in rows]
        return NoteBatch(
            input_ids=pad_ids(seqs, max_tokens, tokenizer.pad_token_id),
            attention_mask=build_attention_mask(seqs),
            needs_call=torch.tensor([y for _, y in rows], dtype=torch.float32),
            meta={"n": len(rows)},
        )

    return batcher


class NoteFlagger(nn.Module):
    def __init__(self, vocab_size: int, max_tokens: int) -> None:
        super().__init__()
        cfg = BertConfig(
            vocab_size=vocab_size,
            hidden_size=32,
            num_hidden_layers=1,
            num_attention_heads=2,
            intermediate_size=64,
            max_position_embeddings=max_tokens + 8,
        )
        self.encoder = BertModel(cfg, add_pooling_layer=False)
        self.classifier = nn.Linear(cfg.hidden_size, 1)

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        hidden = self.encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
        return self.classifier(hidden[:, 0]).squeeze(-1)


def chunks(rows: List[tuple[str, int]], size: int):
    for i in range(0, len(rows), size):
        yield rows[i : i + size]


def train(model: NoteFlagger, rows: List[tuple[str, int]], batcher: Callable[..., NoteBatch]) -> List[float]:
    opt = torch.optim.Adam(model.parameters(), lr=float(CONFIG["lr"]))
    loss_fn = nn.BCEWithLogitsLoss()
    history: List[float] = []
    for epoch in range(int(CONFIG["epochs"])):
        running = 0.0
        for rows_chunk in chunks(rows, int(CONFIG["batch_size"])):
            batch = batcher(rows_chunk)
            logits = model(batch.input_ids, batch.attention_mask)
            loss = loss_fn(logits, batch.needs_call)
            opt.zero_grad()
            loss.backward()
            opt.step()
            running += loss.item() * batch.meta["n"]
        history.append(running / len(rows))
        LOG.info("epoch %d loss %.4f", epoch, history[-1])
    return history


def main() -> None:
    rng = random.Random(int(CONFIG["seed"]))
    torch.manual_seed(int(CONFIG["seed"]))
    tokenizer = BertTokenizer(str(write_vocab(CONFIG["vocab_file"])))
    notes = synth_notes(int(CONFIG["n_notes"]), rng)
    LOG.info("generated %d notes, %d flagged", len(notes), sum(y for _, y in notes))

    model = NoteFlagger(tokenizer.vocab_size, int(CONFIG["max_tokens"]))
    history = train(model, notes, make_batcher(tokenizer))
    LOG.info("final loss %.4f", history[-1])


if __name__ == "__main__":
    main()
