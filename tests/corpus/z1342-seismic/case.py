"""Auto-label analyst comments from the infrasound array bulletin with an event type."""
import os
import random
import tempfile
from abc import ABC, abstractmethod

import torch
from torch.utils.data import Dataset
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

random.seed(3)
torch.manual_seed(3)


class Vocabulary:
    def __init__(self):
        self._ids = {}
        self._frozen = False

    def add(self, word):
        if not self._frozen:
            self._ids.setdefault(word, len(self._ids))

    def lookup(self, word):
        return self._ids.get(word, self._ids["[UNK]"])

    def freeze(self):
        self._frozen = True
        return self

    def __len__(self):
        return len(self._ids)

    def dump(self, folder):
        path = os.path.join(folder, "vocab.txt")
        with open(path, "w") as fh:
            fh.writelines(w + "\n" for w in sorted(self._ids, key=self._ids.get))
        return path


class EventBulletin(Dataset, ABC):
    """Common loader for the analyst-reviewed bulletins; subclasses know their own record layout."""

    EVENT_TYPES = ("earthquake", "quarry_blast", "noise")

    def __init__(self, records):
        self.records = records

    def label_id(self, name):
        return self.EVENT_TYPES.index(name)

    @abstractmethod
    def __len__(self): ...

    @abstractmethod
    def __getitem__(self, idx): ...


class SeismicBulletin(EventBulletin):
    def __len__(self):
        return len(self.records)

    def __getitem__(self, idx):
        rec = self.records[idx]
        return rec["comment"], self.label_id(rec["type"])


class InfrasoundBulletin(EventBulletin):
    EVENT_TYPES = ("earthquake", "quarry_blast", "noise", "bolide", "sonic_boom")

    def __len__(self):
        return len(self.records)

    def __getitem__(self, idx):
        station, comment, kind = self.records[idx]
        return f"{station} {comment}", self.label_id(kind)


INFRA_RECORDS = [
    ("I26", "coherent arrival backazimuth 212 consistent with mine at daytime", "quarry_blast"),
    ("I26", "wind noise high no coherent energy across array", "noise"),
    ("I48", "high celerity arrival minutes after regional earthquake", "earthquake"),
    ("I48", "broadband n wave signature from supersonic aircraft corridor", "sonic_boom"),
    ("I26", "very high amplitude long period signal fireball reported", "bolide"),
    ("I48", "microbarom band only ocean swell source", "noise"),
    ("I26", "impulsive arrival near quarry shift change ripple fired", "quarry_blast"),
    ("I48", "multiple arrays detect long duration signal meteor sighting", "bolide"),
]


class Collator:
    def __init__(self, tokenizer, max_len=40, label_key="labels"):
        self.tokenizer = tokenizer
        self.max_len = max_len
        self.label_key = label_key

    def __call__(self, pairs):
        comments, kinds = zip(*pairs)
        out = self.tokenizer(list(comments), padding="longest", truncation=True,
                             max_length=self.max_len, return_tensors="pt")
        out[self.label_key] = torch.tensor(kinds, dtype=torch.long)
        return out


def iterate_batches(dataset, collate, batch_size, shuffle=True):
    order = list(range(len(dataset)))
    if shuffle:
        random.shuffle(order)
    for start in range(0, len(order), batch_size):
        yield collate([dataset[i] for i in order[start:start + batch_size]])


words = Vocabulary()
for special in ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]:
    words.add(special)
for station, comment, _ in INFRA_RECORDS:
    for w in [station.lower()] + comment.split():
        words.add(w)
tokenizer = BertTokenizer(words.freeze().dump(tempfile.mkdtemp()))

train_set = InfrasoundBulletin(INFRA_RECORDS)
id2label = dict(enumerate(EventBulletin.EVENT_TYPES))
config = BertConfig(vocab_size=len(words), hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                    intermediate_size=64, max_position_embeddings=64, num_labels=len(id2label),
                    id2label=id2label, label2id={v: k for k, v in id2label.items()})
model = BertForSequenceClassification(config)
optimizer = torch.optim.AdamW(model.parameters(), lr=2e-3)
collate = Collator(tokenizer)

print(f"training on {len(train_set)} infrasound comments, {config.num_labels} event types")
model.train()
for epoch in range(4):
    epoch_loss = []
    for batch in iterate_batches(train_set, collate, batch_size=4):
        result = model(**batch)
        result.loss.backward()
        optimizer.step()
        optimizer.zero_grad()
        epoch_loss.append(result.loss.item())
    print(f"epoch {epoch}: loss={sum(epoch_loss) / len(epoch_loss):.4f}")

model.eval()
with torch.no_grad():
    probe = collate([train_set[4]])
    guess = model(**{k: v for k, v in probe.items() if k != "labels"}).logits.argmax(-1).item()
print("probe comment classified as:", config.id2label[guess])
