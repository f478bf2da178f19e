"""Bridge deck inspection reports -> condition rating (good / fair / poor).

The encoder is pluggable; field crews' reports are scored in mini-batches.
"""
import abc
import functools
import os
import tempfile

import torch
import torch.nn as nn
from transformers import BertConfig, BertModel, BertTokenizer

torch.manual_seed(3)

REPORTS = [
    ("minor map cracking on deck surface joints sealed", "good"),
    ("spalling near expansion joint exposed rebar rust staining", "poor"),
    ("wearing surface rutted drains partly blocked", "fair"),
    ("deck sound no delamination detected by chain drag", "good"),
    ("span two soffit shows efflorescence and hairline cracks along the girder line with "
     "moisture tracking from the drains and leaking joints above the bearings the parapet "
     "has several cracks and the wearing surface is rutted in the nearside lane with some "
     "potholes patched last season while the expansion joint seal is torn and debris is "
     "packed into the gap so the deck drains are partly blocked at both abutments", "fair"),
    ("large delaminated area rebar section loss at pier cap", "poor"),
]
RATINGS = ["good", "fair", "poor"]


class Encoder(nn.Module, abc.ABC):
    @property
    @abc.abstractmethod
    def width(self): ...

    @property
    @abc.abstractmethod
    def max_tokens(self): ...

    @abc.abstractmethod
    def forward(self, **batch): ...


class BertEncoder(Encoder):
    def __init__(self, vocab_size, positions=40):
        super().__init__()
        self.model = BertModel(BertConfig(vocab_size=vocab_size, hidden_size=32, num_hidden_layers=1,
                                          num_attention_heads=2, intermediate_size=64,
                                          max_position_embeddings=positions))

    @property
    def width(self):
        return self.model.config.hidden_size

    @property
    def max_tokens(self):
        return self.model.config.max_position_embeddings

    def forward(self, **batch):
        return self.model(**batch).last_hidden_state[:, 0]


class GruEncoder(Encoder):
    def __init__(self, vocab_size, positions=None):
        super().__init__()
        self.tok_emb = nn.Embedding(vocab_size, 32, padding_idx=0)
        self.gru = nn.GRU(32, 32, batch_first=True)

    @property
    def width(self):
        return self.gru.hidden_size

    @property
    def max_tokens(self):
        return 512

    def forward(self, input_ids, attention_mask, **_):
        states, _ = self.gru(self.tok_emb(input_ids))
        last = attention_mask.sum(1) - 1
        return states[torch.arange(states.size(0)), last]


def encoder_factory(name, vocab_size):
    return {"bert": BertEncoder, "gru": GruEncoder}[name](vocab_size)


class Task(nn.Module):
    def __init__(self, encoder, ratings):
        super().__init__()
        self.encoder = encoder
        self.ratings = ratings
        self.head = nn.Linear(encoder.width, self.n_ratings)
        self.loss = nn.CrossEntropyLoss()

    @property
    def n_ratings(self):
        return len(self.ratings)

    def forward(self, batch, target):
        logits = self.head(self.encoder(**batch))
        return self.loss(logits, target), logits


def write_vocab(reports):
    words = sorted({w for text, _ in reports for w in text.split()})
    path = os.path.join(tempfile.mkdtemp(), "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return path


def batches(rows, size):
    for start in range(0, len(rows), size):
        chunk = rows[start:start + size]
        yield [t for t, _ in chunk], torch.tensor([RATINGS.index(r) for _, r in chunk])


def main(backbone="bert", epochs=2, batch_size=3):
    tokenizer = BertTokenizer(write_vocab(REPORTS))
    task = Task(encoder_factory(backbone, len(tokenizer)), RATINGS)
    encode = functools.partial(tokenizer, padding="longest", return_tensors="pt")
    opt = torch.optim.AdamW(task.parameters(), lr=2e-3)
    print(f"encoder={backbone} width={task.encoder.width} max_tokens={task.encoder.max_tokens}")

    for epoch in range(epochs):
        total = 0.0
        for texts, target in batches(REPORTS, batch_size):
            batch = dict(encode(texts))
            opt.zero_grad()
            loss, _ = task(batch, target)
            loss.backward()
            opt.step()
            total += loss.item()
        print(f"epoch {epoch}: loss {total:.4f}")

    with torch.no_grad():
        _, logits = task(dict(encode(["exposed rebar rust staining at pier cap"])), torch.tensor([2]))
    print("rating:", RATINGS[logits.argmax(-1).item()])


if __name__ == "__main__":
    main()
