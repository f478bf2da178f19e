# Field tagger for digitised herbarium sheet labels: collector / locality / date / habitat.
# Typed labels come as "word/TAG" strings, the volunteer transcriptions as parallel lists.
from abc import ABC, abstractmethod

import torch
import torch.nn as nn
from torch.nn.utils.rnn import pad_sequence
from torch.utils.data import ConcatDataset, DataLoader, Dataset

torch.manual_seed(5)

TYPED = [
    "coll./O R./COL Hartley/COL 1932/DATE chalk/HAB grassland/HAB near/O Tring/LOC",
    "leg./O M./COL Okafor/COL damp/HAB woodland/HAB edge/HAB Wytham/LOC Woods/LOC 12/DATE May/DATE 1967/DATE",
    "Ben/LOC Lawers/LOC summit/HAB ledges/HAB 1971/DATE coll./O A./COL Ross/COL",
]
TRANSCRIBED = [
    (["roadside", "verge", "Kelso", "June", "1988", "E.", "Pryce"],
     ["HAB", "HAB", "LOC", "DATE", "DATE", "COL", "COL"]),
    (["dune", "slack", "Braunton", "Burrows", "leg.", "T.", "Ng", "2003"],
     ["HAB", "HAB", "LOC", "LOC", "O", "COL", "COL", "DATE"]),
    (["Malham", "limestone", "pavement", "grikes", "1959"],
     ["LOC", "HAB", "HAB", "HAB", "DATE"]),
]


class Vocabulary:
    def __init__(self, *reserved):
        self.items, self.ids, self.is_frozen = [], {}, False
        for r in reserved:
            self.add(r)

    def add(self, item):
        if item not in self.ids and not self.is_frozen:
            self.ids[item] = len(self.items)
            self.items.append(item)

    def lookup(self, item, default=None):
        return self.ids.get(item, self.ids[default] if default is not None else None)

    def freeze(self):
        self.is_frozen = True

    def __len__(self):
        return len(self.items)


words = Vocabulary("<pad>", "<unk>")
fields = Vocabulary("O", "COL", "LOC", "DATE", "HAB")
fields.freeze()


class SheetLabels(Dataset, ABC):
    origin = "unknown"

    def encode(self, toks, tags):
        for t in toks:
            words.add(t.lower())
        return (torch.tensor([words.lookup(t.lower(), "<unk>") for t in toks]),
                torch.tensor([fields.lookup(g) for g in tags]))

    @abstractmethod
    def __len__(self): ...

    @abstractmethod
    def __getitem__(self, i): ...


class TypedLabels(SheetLabels):
    origin = "typed"

    def __init__(self, lines):
        self.pairs = [tuple(zip(*(w.rsplit("/", 1) for w in line.split()))) for line in lines]

    def __len__(self):
        return len(self.pairs)

    def __getitem__(self, i):
        return self.encode(*self.pairs[i])


class VolunteerTranscriptions(SheetLabels):
    origin = "volunteer"

    def __init__(self, rows):
        self.rows = rows

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, i):
        return self.encode(*self.rows[i])


class Collator:
    def __init__(self, word_pad, width=16, ignore=-100):
        self.word_pad = word_pad
        self.width = width
        self.ignore = ignore

    def __call__(self, items):
        tokens = torch.full((len(items), self.width), self.word_pad, dtype=torch.long)
        for r, (ids, _) in enumerate(items):
            tokens[r, : len(ids)] = ids
        tags = pad_sequence([t for _, t in items], batch_first=True, padding_value=self.ignore)
        return tokens, tags


class FieldTagger(nn.Module):
    def __init__(self, vocab_size, n_fields, dim=24):
        super().__init__()
        self.emb = nn.Embedding(vocab_size, dim, padding_idx=0)
        self.rnn = nn.LSTM(dim, dim, batch_first=True, bidirectional=True)
        self.proj = nn.Linear(2 * dim, n_fields)

    def forward(self, tokens):
        states, _ = self.rnn(self.emb(tokens))
        return self.proj(states)


sheets = ConcatDataset([TypedLabels(TYPED), VolunteerTranscriptions(TRANSCRIBED)])
for i in range(len(sheets)):  # warm the word vocabulary before sizing the embedding
    sheets[i]
words.freeze()
print(f"{len(sheets)} labels, {len(words)} word types, fields={fields.items}")

tagger = FieldTagger(len(words), len(fields))
loader = DataLoader(sheets, batch_size=3, shuffle=True, collate_fn=Collator(words.lookup("<pad>")))
optimiser = torch.optim.Adam(tagger.parameters(), lr=5e-3)
token_loss = nn.CrossEntropyLoss(ignore_index=-100)

for epoch in range(5):
    total = 0.0
    for tokens, gold in loader:
        scores = tagger(tokens)
        loss = token_loss(scores.reshape(-1, scores.size(-1)), gold.reshape(-1))
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()
        total += loss.item()
    print(f"epoch {epoch + 1}: {total / len(loader):.4f}")
