import os
import random
from typing import Dict, List, Iterator

import torch
from torch.utils.data import DataLoader
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

HERE = os.path.dirname(os.path.abspath(__file__))
random.seed(21)
torch.manual_seed(21)

BOOKINGS_DB = [
    {"name": "golden wok", "area": "centre", "people": 2, "time": "18:30"},
    {"name": "la margherita", "area": "west", "people": 4, "time": "19:00"},
    {"name": "curry garden", "area": "south", "people": 6, "time": "20:15"},
    {"name": "the gardenia", "area": "north", "people": 3, "time": "12:00"},
]
SYS_TEMPLATES = [
    "i have booked [name] for [people] people at [time]",
    "[name] is in the [area] and has a table for [people]",
    "your table at [name] is reserved , reference number follows",
]
USR_TEMPLATES = [
    "i need a table for [people] in the [area]",
    "can you book [name] at [time]",
    "something in the [area] please",
]
VOCAB_WORDS = sorted(set(
    " ".join(SYS_TEMPLATES + USR_TEMPLATES).replace("[", " ").replace("]", " ").split()
    + " ".join(r["name"] + " " + r["area"] for r in BOOKINGS_DB).split()
    + ["2", "3", "4", "6", "18", "30", "19", "00", "20", "15", "12", ":", ","]
))


def write_vocab() -> str:
    path = os.path.join(HERE, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "<user>", "<system>"]
                           + VOCAB_WORDS) + "\n")
    return path


def lexicalise(template: str, record: Dict) -> List:
    out = []
    for tok in template.split():
        if tok.startswith("[") and tok.endswith("]"):
            out.append(str(record[tok[1:-1]]))
        else:
            out.append(tok)
    return out


def dialogue_stream(n_dialogues: int) -> Iterator[Dict]:
    for d in range(n_dialogues):
        rec = random.choice(BOOKINGS_DB)
        turns = []
        for t in range(random.randint(2, 4)):
            turns.append(("<user>", lexicalise(random.choice(USR_TEMPLATES), rec)))
            turns.append(("<system>", lexicalise(random.choice(SYS_TEMPLATES), rec)))
        yield {"id": d, "record": rec, "turns": turns}


def flatten(turns, window=3):
    turns = turns[-window:]
    return " ".join(spk + " " + " ".join(words) for spk, words in turns)


def make_pairs(dialogues):
    """Coherent context/response pairs get label 1, responses from a different dialogue get 0."""
    pairs = []
    for i, dlg in enumerate(dialogues):
        ctx, resp = dlg["turns"][:-1], dlg["turns"][-1]
        pairs.append((flatten(ctx), " ".join(resp[1]), 1))
        other = dialogues[(i + 1) % len(dialogues)]["turns"][-1]
        pairs.append((flatten(ctx), " ".join(other[1]), 0))
    return pairs


def main():
    tok = BertTokenizer(write_vocab())
    tok.add_special_tokens({"additional_special_tokens": ["<user>", "<system>"]})
    cfg = BertConfig(vocab_size=len(tok), hidden_size=32, num_hidden_layers=1,
                     num_attention_heads=2, intermediate_size=64,
                     max_position_embeddings=128, num_labels=2)
    model = BertForSequenceClassification(cfg)

    dialogues = list(dialogue_stream(24))
    pairs = make_pairs(dialogues)
    random.shuffle(pairs)

    def collate(batch):
        ctx, resp, lab = zip(*batch)
        enc = tok(list(ctx), list(resp), padding=True, truncation="only_first",
                  max_length=96, return_tensors="pt")
        enc["labels"] = torch.tensor(lab)
        return enc

    loader = DataLoader(pairs, batch_size=8, shuffle=True, collate_fn=collate)
    optim = torch.optim.AdamW(model.parameters(), lr=5e-4)
    model.train()
    for epoch in range(2):
        running = 0.0
        for batch in loader:
            out = model(**batch)
            optim.zero_grad()
            out.loss.backward()
            optim.step()
            running += out.loss.item()
        print(f"epoch {epoch} mean loss {running / len(loader):.4f}")


if __name__ == "__main__":
    main()
