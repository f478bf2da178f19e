# Apiary inspection notes -> colony status (queenright / queenless / swarming / robbing)
# Tiny transformer encoder, trained from scratch on the club's shared notebook.
import logging
import random
from functools import partial

import torch
import torch.nn as nn
from torch.utils.data import DataLoader

logging.basicConfig(level=logging.INFO, format="%(levelname)s %(message)s")
log = logging.getLogger("hives")

random.seed(3)
torch.manual_seed(3)

ROWS = [
    ("eggs seen brood pattern solid queen spotted calm bees", "queenright"),
    ("no eggs no larvae emergency cells drawn loud roar", "queenless"),
    ("swarm cells on bottom bars crowded supers added", "swarming"),
    ("fighting at entrance wax cappings torn on landing board", "robbing"),
    ("capped brood good stores honey flow on", "queenright"),
    ("queen cells charged old queen gone half the bees", "swarming"),
    ("laying workers multiple eggs per cell drone brood", "queenless"),
    ("wasps and foreign bees at entrance reduced it", "robbing"),
]

CFG = {"pad_to": 16, "d_model": 32, "heads": 2, "ff": 64, "batch": 4, "epochs": 3, "lr": 1e-3}


def simple_split(text):
    return text.lower().replace(",", " ").split()


def pad_collate(items, width, pad_id):
    lens = torch.tensor([len(it["ids"]) for it in items])
    tokens = torch.full((len(items), width), pad_id, dtype=torch.long)
    for r, it in enumerate(items):
        tokens[r, : len(it["ids"])] = torch.tensor(it["ids"])
    pad_flags = torch.arange(width)[None, :] >= lens[:, None]
    status = torch.tensor([it["y"] for it in items])
    return {"tokens": tokens, "pad_flags": pad_flags, "status": status}


class HiveEncoder(nn.Module):
    def __init__(self, n_vocab, n_cls, d_model, heads, ff, pad_id):
        super().__init__()
        self.emb = nn.Embedding(n_vocab, d_model, padding_idx=pad_id)
        self.pos = nn.Parameter(torch.zeros(1, 64, d_model))
        layer = nn.TransformerEncoderLayer(d_model, heads, ff, dropout=0.1, batch_first=True)
        self.enc = nn.TransformerEncoder(layer, num_layers=1, enable_nested_tensor=False)
        self.head = nn.Linear(d_model, n_cls)

    def forward(self, tokens, pad_flags):
        h = self.emb(tokens) + self.pos[:, : tokens.size(1)]
        h = self.enc(h, src_key_padding_mask=pad_flags)
        keep = (~pad_flags).unsqueeze(-1).float()
        pooled = (h * keep).sum(1) / keep.sum(1).clamp(min=1.0)
        return self.head(pooled)


class Pipeline:
    def __init__(self, cfg):
        self.cfg = cfg

    def load(self, rows):
        self.notes = [simple_split(t) for t, _ in rows]
        self.classes = sorted({s for _, s in rows})
        self.y = [self.classes.index(s) for _, s in rows]
        log.info("loaded %d inspections, classes=%s", len(self.notes), self.classes)
        return self

    def tokenize(self):
        self.vocab = {"<pad>": 0, "<unk>": 1}
        for words in self.notes:
            for w in words:
                self.vocab.setdefault(w, len(self.vocab))
        self.items = [
            {"ids": [self.vocab.get(w, 1) for w in words][: self.cfg["pad_to"]], "y": y}
            for words, y in zip(self.notes, self.y)
        ]
        log.info("vocab size %d", len(self.vocab))
        return self

    def pad(self):
        collate = partial(pad_collate, width=self.cfg["pad_to"], pad_id=self.vocab["<pad>"])
        self.loader = DataLoader(self.items, batch_size=self.cfg["batch"], shuffle=True, collate_fn=collate)
        return self

    def build_model(self):
        c = self.cfg
        self.model = HiveEncoder(len(self.vocab), len(self.classes), c["d_model"], c["heads"], c["ff"], 0)
        self.opt = torch.optim.Adam(self.model.parameters(), lr=c["lr"])
        return self

    def train(self):
        loss_fn = nn.CrossEntropyLoss()
        for ep in range(self.cfg["epochs"]):
            self.model.train()
            total = 0.0
            for batch in self.loader:
                logits = self.model(batch["tokens"], batch["pad_flags"])
                loss = loss_fn(logits, batch["status"])
                self.opt.zero_grad()
                loss.backward()
                self.opt.step()
                total += loss.item()
            log.info("epoch %d  loss %.4f", ep, total / len(self.loader))
        return self


if __name__ == "__main__":
    Pipeline(CFG).load(ROWS).tokenize().pad().build_model().train()
    log.info("finished")
