# Hive status classifier for apiary inspection notes.
# Used to be TfidfVectorizer + LogisticRegression; moving to a small BERT with accelerate
# so the same script runs on the lab GPU box later.
import random
from dataclasses import dataclass

import torch
from accelerate import Accelerator
from torch.utils.data import DataLoader, TensorDataset
from transformers import BertConfig, BertForSequenceClassification

random.seed(11)
torch.manual_seed(11)

# (note, status) -- status is None where the inspector didn't fill the field in
INSPECTIONS = [
    ("eggs and young larvae seen capped brood solid", "queenright"),
    ("no eggs no queen emergency cells on frame four", "queenless"),
    ("queen cells along bottom bars bees bearding", "swarming"),
    ("sunken perforated cappings foul smell", "diseased"),
    ("marked queen spotted laying pattern good", "queenright"),
    ("laying workers multiple eggs per cell", "queenless"),
    ("half the colony gone cluster in nearby tree", "swarming"),
    ("chalkbrood mummies on landing board", "diseased"),
    ("brood pattern spotty queen not found", None),
    ("strong colony honey flow supers added", "queenright"),
    ("deformed wings many mites on drones", "diseased"),
    ("supersedure cell open queen missing", "queenless"),
    ("hive quiet light stores", None),
    ("capped swarm cells on three frames", "swarming"),
]


@dataclass
class RunConfig:
    max_len: int = 16
    batch_size: int = 4
    epochs: int = 2
    lr: float = 3e-4


class TextVectorizer:
    def __init__(self, max_len):
        self.max_len = max_len

    def fit(self, texts):
        vocab = {"[PAD]": 0, "[UNK]": 1, "[CLS]": 2}
        for t in texts:
            for w in t.split():
                vocab.setdefault(w, len(vocab))
        self.vocab_ = vocab
        return self

    def transform(self, texts):
        ids = torch.zeros(len(texts), self.max_len, dtype=torch.long)
        for r, t in enumerate(texts):
            toks = [2] + [self.vocab_.get(w, 1) for w in t.split()]
            toks = toks[: self.max_len]
            ids[r, : len(toks)] = torch.tensor(toks)
        return ids, (ids != 0).long()


class StatusEncoder:
    """Same contract as sklearn LabelEncoder; missing values get the loss's ignore index."""

    MISSING = -100

    def fit(self, y):
        self.classes_ = sorted({v for v in y if v is not None})
        self._lookup = {c: i for i, c in enumerate(self.classes_)}
        return self

    def transform(self, y):
        return torch.tensor([self._lookup[v] if v is not None else self.MISSING for v in y])

    def inverse_transform(self, codes):
        return [self.classes_[c] if c >= 0 else None for c in codes]


def make_loader(cfg, vec, enc, rows):
    notes, statuses = zip(*rows)
    ids, att = vec.transform(list(notes))
    y = enc.transform(list(statuses))
    return DataLoader(TensorDataset(ids, att, y), batch_size=cfg.batch_size, shuffle=True)


def train(cfg):
    accelerator = Accelerator(cpu=True)
    vec = TextVectorizer(cfg.max_len).fit([n for n, _ in INSPECTIONS])
    enc = StatusEncoder().fit([s for _, s in INSPECTIONS])
    accelerator.print(f"vocab {len(vec.vocab_)}, classes {enc.classes_}")

    model = BertForSequenceClassification(BertConfig(
        vocab_size=len(vec.vocab_), hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
        intermediate_size=64, max_position_embeddings=cfg.max_len, num_labels=len(enc.classes_),
    ))
    opt = torch.optim.AdamW(model.parameters(), lr=cfg.lr)
    loader = make_loader(cfg, vec, enc, INSPECTIONS)
    model, opt, loader = accelerator.prepare(model, opt, loader)

    model.train()
    for epoch in range(cfg.epochs):
        running = 0.0
        for step, (tok, att, status) in enumerate(loader):
            out = model(input_ids=tok, attention_mask=att, labels=status)
            accelerator.backward(out.loss)
            opt.step()
            opt.zero_grad()
            running += out.loss.item()
        accelerator.print(f"epoch {epoch}: mean loss {running / (step + 1):.4f}")
    return model


if __name__ == "__main__":
    train(RunConfig())
    print("finished")
