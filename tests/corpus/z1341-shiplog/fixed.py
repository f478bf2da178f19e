# Tag merchant-vessel logbook entries with the watch event they describe,
# using a tiny BERT encoder trained from scratch on our own wordpiece vocab.
import os
import tempfile
from abc import ABC, abstractmethod

import torch
import torch.nn as nn
from torch.utils.data import ConcatDataset, DataLoader, Dataset
from transformers import BertConfig, BertModel, BertTokenizer

torch.manual_seed(11)

DECK_ROWS = [
    ("0400 wind backing sw force 6 heavy swell from west reduced speed", "weather"),
    ("altered course 045 to clear fishing fleet off starboard bow", "navigation"),
    ("visibility under one mile fog signals sounding lookout doubled", "weather"),
    ("passed buoy no 3 abeam to port pilot boarded at 0715", "navigation"),
    ("hatch 2 lashings checked and retightened after rolling", "cargo"),
]
ENGINE_ROWS = [
    ("main engine rpm reduced to 80 on bridge order due to heavy swell", "engine"),
    ("no 2 generator tripped on high jacket water temperature, standby generator started and put on load, "
     "cooler cleaned and sea water strainer cleared of weed, generator restarted and paralleled at 1340, "
     "all temperatures normal on completion of round", "engine"),
    ("reefer containers bay 14 power fault reset and temperatures logged", "cargo"),
]


class Vocabulary:
    def __init__(self, specials):
        self.tokens, self.index, self.frozen = [], {}, False
        for s in specials:
            self.add(s)

    def add(self, tok):
        if self.frozen or tok in self.index:
            return
        self.index[tok] = len(self.tokens)
        self.tokens.append(tok)

    def lookup(self, tok):
        return self.index[tok]

    def freeze(self):
        self.frozen = True

    def __len__(self):
        return len(self.tokens)


class LogbookDataset(Dataset, ABC):
    source = None

    def __init__(self, rows, categories):
        self.rows = rows
        self.categories = categories

    @abstractmethod
    def __len__(self): ...

    @abstractmethod
    def __getitem__(self, i): ...


class DeckLog(LogbookDataset):
    source = "deck"

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, i):
        text, cat = self.rows[i]
        return {"text": f"{self.source} {text}", "cat": self.categories.lookup(cat)}


class EngineRoomLog(LogbookDataset):
    source = "engine"

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, i):
        text, cat = self.rows[i]
        return {"text": f"{self.source} {text}", "cat": self.categories.lookup(cat)}


class Collator:
    def __init__(self, tokenizer, max_length=128):
        self.tokenizer = tokenizer
        self.max_length = max_length

    def __call__(self, examples):
        enc = self.tokenizer([e["text"] for e in examples], padding=True, truncation=True,
                             max_length=self.max_length, return_tensors="pt")
        enc["targets"] = torch.tensor([e["cat"] for e in examples])
        return enc


class WatchEventModel(nn.Module):
    def __init__(self, config, n_events):
        super().__init__()
        self.encoder = BertModel(config)
        self.drop = nn.Dropout(0.1)
        self.out = nn.Linear(config.hidden_size, n_events)

    def forward(self, targets=None, **encoded):
        cls = self.encoder(**encoded).last_hidden_state[:, 0]
        return self.out(self.drop(cls))


def build_tokenizer(all_rows):
    words = Vocabulary(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "deck", "engine"])
    for text, _ in all_rows:
        for w in text.replace(",", " , ").split():
            words.add(w)
    words.freeze()
    path = os.path.join(tempfile.mkdtemp(), "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(words.tokens) + "\n")
    return BertTokenizer(path), len(words)


tokenizer, n_wordpieces = build_tokenizer(DECK_ROWS + ENGINE_ROWS)
events = Vocabulary([])
for _, c in DECK_ROWS + ENGINE_ROWS:
    events.add(c)
events.freeze()
print(f"wordpieces={n_wordpieces} events={events.tokens}")

config = BertConfig(vocab_size=n_wordpieces, hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                    intermediate_size=64, max_position_embeddings=32)
model = WatchEventModel(config, len(events))

corpus = ConcatDataset([DeckLog(DECK_ROWS, events), EngineRoomLog(ENGINE_ROWS, events)])
loader = DataLoader(corpus, batch_size=4, shuffle=True,
                    collate_fn=Collator(tokenizer, max_length=config.max_position_embeddings))
opt = torch.optim.Adam(model.parameters(), lr=1e-3)
criterion = nn.CrossEntropyLoss()

for epoch in range(2):
    seen, total = 0, 0.0
    for batch in loader:
        logits = model(**batch)
        loss = criterion(logits, batch["targets"])
        opt.zero_grad()
        loss.backward()
        opt.step()
        seen += batch["targets"].numel()
        total += loss.item() * batch["targets"].numel()
    print(f"epoch {epoch}: mean loss {total / seen:.4f}")
