import os
import random
from typing import Callable, Dict, List, NamedTuple

import torch
from torch.utils.data import DataLoader, Dataset
from transformers import BertConfig, BertForTokenClassification, BertTokenizer

HERE = os.path.dirname(os.path.abspath(__file__))
VOCAB_PATH = os.path.join(HERE, "gauge_vocab.txt")

TAG_NAMES = ["O", "STATION", "LEVEL", "FLOW", "UNIT"]
TAG2ID = {t: i for i, t in enumerate(TAG_NAMES)}
RIVERS = ["severn", "trent", "wye", "avon", "ouse"]
STATIONS = ["rg12", "rg47", "rg03", "rg88", "rg51"]


class GaugeNote(NamedTuple):
    station: str
    river: str
    words: List[str]
    tags: List[str]


def level_phrase(rng: random.Random, station: str, river: str):
    value = f"{rng.uniform(0.2, 6.5):.2f}"
    words = ["gauge", station, "on", river, "level", rng.choice(["rose", "fell"]), "to", value, "m"]
    tags = ["O", "STATION", "O", "O", "O", "O", "O", "LEVEL", "UNIT"]
    return words, tags


def flow_phrase(rng: random.Random, station: str, river: str):
    value = f"{rng.uniform(1.0, 95.0):.1f}"
    words = ["flow", "at", station, "weir", value, "cumecs", rng.choice(["upstream", "downstream"])]
    tags = ["O", "O", "STATION", "O", "FLOW", "UNIT", "O"]
    return words, tags


def fault_phrase(rng: random.Random, station: str, river: str):
    words = ["sensor", rng.choice(["fault", "normal", "alert"]), "reported", "by", station]
    tags = ["O", "O", "O", "O", "STATION"]
    return words, tags


PHRASE_REGISTRY: Dict[str, Callable] = {
    "level": level_phrase,
    "flow": flow_phrase,
    "fault": fault_phrase,
}


def write_vocab(path: str) -> None:
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    words = ["gauge", "on", "level", "rose", "fell", "to", "m", "flow", "at", "weir", "cumecs",
             "upstream", "downstream", "sensor", "fault", "normal", "alert", "reported", "by",
             "rg", ".", "and"] + RIVERS
    digits = [str(d) for d in range(10)] + [f"##{d}" for d in range(10)]
    with open(path, "w") as fh:
        fh.write("\n".join(specials + words + digits) + "\n")


def synth_notes(n: int, seed: int, kinds: List[str]) -> List[GaugeNote]:
    rng = random.Random(seed)
    notes = []
    for _ in range(n):
        station = rng.choice(STATIONS)
        river = rng.choice(RIVERS)
        words, tags = [], []
        for kind in rng.sample(kinds, k=rng.randint(1, len(kinds))):
            w, t = PHRASE_REGISTRY[kind](rng, station, river)
            if words:
                words.append("and")
                tags.append("O")
            words += w
            tags += t
        notes.append(GaugeNote(station, river, words, tags))
    return notes


class NoteDataset(Dataset):
    def __init__(self, notes: List[GaugeNote]):
        self.notes = notes

    def __len__(self):
        return len(self.notes)

    def __getitem__(self, idx):
        return self.notes[idx]


def make_collate(tokenizer: BertTokenizer, max_length: int):
    def collate(batch: List[GaugeNote]):
        enc = tokenizer(
            [note.words for note in batch],
            is_split_into_words=True,
            padding=True,
            truncation=True,
            max_length=max_length,
            return_tensors="pt",
        )
        labels = torch.full(enc["input_ids"].shape, -100, dtype=torch.long)
        for i, note in enumerate(batch):
            prev = None
            for j, w in enumerate(enc.word_ids(i)):
                if w is not None and w != prev:
                    labels[i, j] = TAG2ID[note.tags[w]]
                prev = w
        enc["labels"] = labels
        return enc
    return collate


def train(
    *,
    n_notes: int = 96,
    batch_size: int = 8,
    epochs: int = 2,
    lr: float = 3e-4,
    max_length: int = 64,
    hidden_size: int = 32,
    seed: int = 7,
    kinds=("level", "flow", "fault"),
    log_every: int = 4,
):
    torch.manual_seed(seed)
    write_vocab(VOCAB_PATH)
    tokenizer = BertTokenizer(VOCAB_PATH)
    notes = synth_notes(n_notes, seed, list(kinds))
    loader = DataLoader(NoteDataset(notes), batch_size=batch_size, shuffle=True,
                        collate_fn=make_collate(tokenizer, max_length))

    config = BertConfig(
        vocab_size=tokenizer.vocab_size,
        hidden_size=hidden_size,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=max_length,
        num_labels=len(TAG_NAMES),
    )
    model = BertForTokenClassification(config)
    optim = torch.optim.AdamW(model.parameters(), lr=lr)

    step = 0
    for epoch in range(epochs):
        model.train()
        for batch in loader:
            out = model(**batch)
            out.loss.backward()
            optim.step()
            optim.zero_grad()
            step += 1
            if step % log_every == 0:
                print(f"epoch {epoch} step {step} loss {out.loss.item():.4f}")
    return model


if __name__ == "__main__":
    train(n_notes=96, batch_size=8, epochs=2, lr=3e-4, max_length=64, seed=7)
