"""Character-level tagger for epigraphic transcriptions.

Each character of a transcribed inscription gets a Leiden-convention state:
legible, damaged (under-dotted), restored by the editor, expanded abbreviation,
or lost (lacuna). We train a small BiGRU on synthetic Latin funerary texts.
"""
import random

import torch
import torch.nn as nn
from torch.utils.data import Dataset, DataLoader

torch.manual_seed(7)
random.seed(7)

LEIDEN_STATES = ["legible", "damaged", "restored", "abbrev", "lost"]
STATE2ID = {s: i for i, s in enumerate(LEIDEN_STATES)}

FORMULAE = [
    "DIS MANIBUS SACRUM",
    "HIC SITUS EST",
    "SIT TIBI TERRA LEVIS",
    "VIXIT ANNOS XXXV",
    "FILIO PIENTISSIMO FECIT",
    "CONIUGI BENE MERENTI",
    "MILES LEGIONIS II AUGUSTAE",
    "HEREDES FACIENDUM CURAVERUNT",
]

CFG = {
    "max_chars": 40,
    "emb_dim": 32,
    "hidden": 48,
    "batch_size": 16,
    "epochs": 2,
    "lr": 3e-3,
    "n_texts": 96,
}


def build_alphabet():
    chars = sorted(set("".join(FORMULAE)))
    return {"<pad>": 0, "<unk>": 1, **{c: i + 2 for i, c in enumerate(chars)}}


def simulate_weathering(text):
    """Assign a Leiden state to each character, mimicking a worn stone."""
    states = []
    lacuna_start = random.randint(0, len(text))
    lacuna_len = random.randint(0, 6)
    for i, ch in enumerate(text):
        if lacuna_start <= i < lacuna_start + lacuna_len:
            states.append("lost" if random.random() < 0.5 else "restored")
        elif ch != " " and random.random() < 0.12:
            states.append("damaged")
        elif ch.isupper() and random.random() < 0.05:
            states.append("abbrev")
        else:
            states.append("legible")
    return states


class InscriptionCorpus(Dataset):
    def __init__(self, n_texts, alphabet):
        self.alphabet = alphabet
        self.items = []
        for _ in range(n_texts):
            text = " ".join(random.sample(FORMULAE, k=2))[: CFG["max_chars"]]
            self.items.append((text, simulate_weathering(text)))

    def __len__(self):
        return len(self.items)

    def __getitem__(self, idx):
        text, states = self.items[idx]
        char_ids = [self.alphabet.get(c, 1) for c in text]
        tag_ids = [STATE2ID[s] for s in states]
        return torch.tensor(char_ids), torch.tensor(tag_ids)


def pad_inscriptions(batch):
    chars, tags = zip(*batch)
    max_len = CFG["max_chars"]
    char_batch = torch.zeros(len(batch), max_len, dtype=torch.long)
    tag_batch = torch.full((len(batch), max_len), -100, dtype=torch.long)
    for i, (c, t) in enumerate(zip(chars, tags)):
        char_batch[i, : len(c)] = c
        tag_batch[i, : len(t)] = t
    return char_batch, tag_batch


class LeidenTagger(nn.Module):
    def __init__(self, n_chars, n_states, emb_dim, hidden):
        super().__init__()
        self.embed = nn.Embedding(n_chars, emb_dim, padding_idx=0)
        self.rnn = nn.GRU(emb_dim, hidden, batch_first=True, bidirectional=True)
        self.dropout = nn.Dropout(0.1)
        self.classifier = nn.Linear(2 * hidden, n_states)

    def forward(self, char_ids):
        x = self.embed(char_ids)
        x, _ = self.rnn(x)
        return self.classifier(self.dropout(x))


def train_epoch(model, loader, optimiser, criterion):
    model.train()
    total = 0.0
    for char_ids, tags in loader:
        optimiser.zero_grad()
        logits = model(char_ids)
        loss = criterion(logits.transpose(1, 2), tags)
        loss.backward()
        optimiser.step()
        total += loss.item()
    return total / len(loader)


def main():
    alphabet = build_alphabet()
    corpus = InscriptionCorpus(CFG["n_texts"], alphabet)
    loader = DataLoader(corpus, batch_size=CFG["batch_size"], shuffle=True,
                        collate_fn=pad_inscriptions)

    model = LeidenTagger(len(alphabet), len(LEIDEN_STATES), CFG["emb_dim"], CFG["hidden"])
    optimiser = torch.optim.Adam(model.parameters(), lr=CFG["lr"])
    criterion = nn.CrossEntropyLoss(ignore_index=-100)

    for epoch in range(CFG["epochs"]):
        loss = train_epoch(model, loader, optimiser, criterion)
        print(f"epoch {epoch}: loss {loss:.4f}")

    torch.save(model.state_dict(), "leiden_tagger.pt")


if __name__ == "__main__":
    main()
