"""Fine-tune a small bi-encoder that matches fault tickets to full turbine maintenance logs.

Encoder is a tiny BERT saved locally, wrapped in sentence-transformers modules; training uses old_fit.
"""
from __future__ import annotations

import enum
import logging
import random
import tempfile
from dataclasses import dataclass
from typing import TypedDict

import torch
from sentence_transformers import InputExample, SentenceTransformer, losses
from sentence_transformers.models import Pooling, Transformer
from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel, BertTokenizer

logging.basicConfig(level=logging.WARNING)
random.seed(5)
torch.manual_seed(5)


class Window(enum.IntEnum):
    TICKET = 48
    SHIFT_NOTE = 96
    FULL_LOG = 256


class Profile(enum.Enum):
    TICKET_TO_NOTE = "ticket-note"
    TICKET_TO_LOG = "ticket-log"


class LogRecord(TypedDict):
    turbine: str
    component: str
    entries: list[str]


@dataclass(frozen=True)
class EncoderSpec:
    hidden: int = 32
    layers: int = 1
    heads: int = 2
    positions: int = 128
    profile: Profile = Profile.TICKET_TO_LOG


COMPONENTS = {
    "gearbox": ("gearbox oil temp high", "bearing noise at low speed", "oil filter swapped"),
    "pitch": ("pitch motor fault on blade two", "pitch angle drift", "encoder cable reseated"),
    "yaw": ("yaw brake pads worn", "yaw drive slip in gusts", "brake calliper adjusted"),
    "generator": ("generator winding temp high", "slip ring sparks", "carbon brushes replaced"),
}


def build_logs() -> list[LogRecord]:
    logs: list[LogRecord] = []
    for n, (component, phrases) in enumerate(COMPONENTS.items()):
        entries = []
        for day in range(1, 15):
            wind = random.choice(["calm", "moderate", "strong", "gusty"])
            entries.append(f"day {day} wind {wind} crew checked {component} : {random.choice(phrases)}")
        logs.append(LogRecord(turbine=f"wtg{n + 1}", component=component, entries=entries))
    return logs


def save_tiny_encoder(spec: EncoderSpec, texts: list[str]) -> str:
    words = sorted({w for t in texts for w in t.split()})
    folder = tempfile.mkdtemp(prefix="turbine_encoder_")
    with open(f"{folder}/vocab.txt", "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", *words]) + "\n")
    tokenizer = BertTokenizer(f"{folder}/vocab.txt")
    config = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=spec.hidden, num_hidden_layers=spec.layers,
                        num_attention_heads=spec.heads, intermediate_size=64, max_position_embeddings=spec.positions)
    BertModel(config).save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    return folder


def document_window(profile: Profile) -> int:
    match profile:
        case Profile.TICKET_TO_NOTE:
            return Window.SHIFT_NOTE
        case Profile.TICKET_TO_LOG:
            return Window.FULL_LOG


def make_pairs(logs: list[LogRecord]) -> list[InputExample]:
    pairs = []
    for rec in logs:
        document = " ".join(rec["entries"])
        for other in logs:
            ticket = f"{other['turbine']} {COMPONENTS[other['component']][0]}"
            score = 1.0 if other is rec else 0.0
            pairs.append(InputExample(texts=[ticket, document], label=score))
    return pairs


def main() -> None:
    spec = EncoderSpec()
    logs = build_logs()
    all_text = [e for r in logs for e in r["entries"]] + [f"{r['turbine']} {c[0]}" for r in logs for c in COMPONENTS.values()]
    model_dir = save_tiny_encoder(spec, all_text)

    word = Transformer(model_dir, max_seq_length=document_window(spec.profile))
    pool = Pooling(word.get_embedding_dimension(), pooling_mode="mean")
    model = SentenceTransformer(modules=[word, pool], device="cpu")
    print(f"encoder ready: dim={model.get_embedding_dimension()} max_seq_length={model.max_seq_length}")

    pairs = make_pairs(logs)
    loader = DataLoader(pairs, batch_size=4, shuffle=True)
    objective = losses.CosineSimilarityLoss(model)
    model.old_fit(train_objectives=[(loader, objective)], epochs=1, warmup_steps=0, show_progress_bar=False)

    tickets = [f"{r['turbine']} {COMPONENTS[r['component']][0]}" for r in logs]
    docs = [" ".join(r["entries"]) for r in logs]
    sims = model.similarity(model.encode(tickets), model.encode(docs))
    for ticket, row in zip(tickets, sims):
        print(f"{ticket:<40} -> {logs[int(row.argmax())]['turbine']}")


if __name__ == "__main__":
    main()
