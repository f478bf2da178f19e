"""Fine-tune a tiny BERT to tag seabird colony survey notes with the dominant species.

Field teams write short free-text notes after each cliff count; we want a quick
classifier so the notes can be routed to the right species coordinator.
"""
import enum
import logging
import os
import random
import tempfile
from typing import NamedTuple

import torch
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

logging.basicConfig(level=logging.INFO, format="%(levelname)s %(message)s")
log = logging.getLogger("seabird")

random.seed(7)
torch.manual_seed(7)


class Species(enum.IntEnum):
    PUFFIN = enum.auto()
    GUILLEMOT = enum.auto()
    RAZORBILL = enum.auto()
    KITTIWAKE = enum.auto()
    FULMAR = enum.auto()


class TrainSettings(NamedTuple):
    lr: float = 5e-4
    epochs: int = 3
    batch_size: int = 4
    max_len: int = 24


SURVEY_NOTES = [
    ("burrows along the grassy slope, birds carrying sand eels", "PUFFIN"),
    ("dense packed ledge, dark brown backs, bridled form seen", "GUILLEMOT"),
    ("thick blunt bill with white line, scattered on ledges", "RAZORBILL"),
    ("noisy nests on sheer face, black legs, calling own name", "KITTIWAKE"),
    ("stiff winged glides along the cliff top, tube nose visible", "FULMAR"),
    ("rafts offshore with bright bills, burrow entrances active", "PUFFIN"),
    ("ledge count high, chicks jumping at dusk", "GUILLEMOT"),
    ("pairs on boulder scree, white line on bill", "RAZORBILL"),
]

VOCAB_WORDS = sorted({w for note, _ in SURVEY_NOTES for w in note.replace(",", " ").split()})


def write_vocab(words):
    folder = tempfile.mkdtemp(prefix="seabird_vocab_")
    path = os.path.join(folder, "vocab.txt")
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    with open(path, "w", encoding="utf-8") as fh:
        fh.write("\n".join(specials + list(words)) + "\n")
    return path


def encode_species(name: str) -> int:
    # species codes are the same integers the survey database uses
    return int(Species[name])


def make_batches(tokenizer, notes, settings: TrainSettings):
    shuffled = notes[:]
    random.shuffle(shuffled)
    for start in range(0, len(shuffled), settings.batch_size):
        chunk = shuffled[start:start + settings.batch_size]
        texts = [text for text, _ in chunk]
        enc = tokenizer(
            texts,
            padding=True,
            truncation=True,
            max_length=settings.max_len,
            return_tensors="pt",
        )
        enc["labels"] = torch.tensor([encode_species(sp) for _, sp in chunk])
        yield enc


def build_model(vocab_size: int, settings: TrainSettings) -> BertForSequenceClassification:
    config = BertConfig(
        vocab_size=vocab_size,
        hidden_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=settings.max_len + 8,
        num_labels=len(Species),
    )
    return BertForSequenceClassification(config)


def main():
    settings = TrainSettings()
    tokenizer = BertTokenizer(write_vocab(VOCAB_WORDS))
    model = build_model(len(tokenizer), settings)
    optim = torch.optim.AdamW(model.parameters(), lr=settings.lr)
    log.info("species classes: %s", [s.name for s in Species])

    model.train()
    for epoch in range(settings.epochs):
        running = 0.0
        for step, batch in enumerate(make_batches(tokenizer, SURVEY_NOTES, settings)):
            out = model(**batch)
            out.loss.backward()
            optim.step()
            optim.zero_grad()
            running += out.loss.item()
            log.debug("epoch %d step %d loss %.4f", epoch, step, out.loss.item())
        log.info("epoch %d mean loss %.4f", epoch, running / (step + 1))

    model.eval()
    with torch.no_grad():
        probe = tokenizer(["birds carrying sand eels near burrows"], return_tensors="pt")
        pred = model(**probe).logits.argmax(-1).item()
    log.info("probe note predicted as index %d", pred)


if __name__ == "__main__":
    main()
