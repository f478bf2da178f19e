"""Pull stake readings out of glacier mass-balance field notes.

Token tagger (Embedding -> BiGRU -> Linear) that marks stake ids, depths and
snow densities in the free-text notes the field team types into the tablet.
"""
import logging
import random

import torch
import torch.nn as nn

logging.basicConfig(level=logging.INFO, format="[%(asctime)s] %(message)s", datefmt="%H:%M:%S")
log = logging.getLogger("stakes")

NOTES = [
    ("stake S12 exposed 1.4 m firn density 0.52", "O STAKE O DEPTH O O O DENSITY"),
    ("S07 buried redrill needed", "STAKE O O O"),
    ("stake S03 emergence 0.85 m snow pit density 0.41 wind crust", "O STAKE O DEPTH O O O O DENSITY O O"),
    ("S19 1.10 m", "STAKE DEPTH O"),
    ("reading at S22 2.05 m density 0.48", "O O STAKE DEPTH O O DENSITY"),
    ("S05 tilted 0.60 m estimate", "STAKE O DEPTH O O"),
]


class TaggerConfig:
    __slots__ = ("tags", "window", "embed_dim", "hidden", "batch_size", "epochs")

    SPECIALS = ("<pad>", "<unk>", "<bos>", "<eos>")

    def __init__(self, tags, window=32, embed_dim=16, hidden=24, batch_size=3, epochs=1):
        self.tags = list(tags)
        self.window = window
        self.embed_dim = embed_dim
        self.hidden = hidden
        self.batch_size = batch_size
        self.epochs = epochs

    @classmethod
    def from_dict(cls, d):
        return cls(**{k: v for k, v in d.items() if k in cls.__slots__})

    @classmethod
    def for_task(cls, name):
        if name == "stake_readings":
            return cls.from_dict({"tags": ["O", "STAKE", "DEPTH", "DENSITY"], "window": 24})
        raise KeyError(name)

    @property
    def max_len(self):
        # room for <bos>/<eos> around the word window
        return self.window + 2

    @property
    def num_tags(self):
        return len(self.tags)

    @staticmethod
    def words(text):
        return text.split()


class StakeTagger(nn.Module):
    def __init__(self, vocab_size, cfg):
        super().__init__()
        self.emb = nn.Embedding(vocab_size, cfg.embed_dim, padding_idx=0)
        self.rnn = nn.GRU(cfg.embed_dim, cfg.hidden, batch_first=True, bidirectional=True)
        self.proj = nn.Linear(2 * cfg.hidden, cfg.num_tags)

    @classmethod
    def from_config(cls, cfg, vocab):
        return cls(len(vocab), cfg)

    def forward(self, ids):
        out, _ = self.rnn(self.emb(ids))
        return self.proj(out)


def encode(text, tag_str, vocab, cfg):
    toks = cfg.words(text)[: cfg.window]
    ids = [vocab["<bos>"]] + [vocab.get(w, vocab["<unk>"]) for w in toks] + [vocab["<eos>"]]
    tags = [-100] + [cfg.tags.index(t) for t in tag_str.split()[: cfg.window]] + [-100]
    return ids, tags, toks


def batches(rows, size):
    for start in range(0, len(rows), size):
        chunk = rows[start:start + size]
        width = max(len(ids) for ids, _, _ in chunk)
        ids = torch.zeros(len(chunk), width, dtype=torch.long)
        gold = torch.full((len(chunk), width), -100, dtype=torch.long)
        for r, (i, t, _) in enumerate(chunk):
            ids[r, : len(i)] = torch.tensor(i)
            gold[r, : len(t)] = torch.tensor(t)
        yield ids, gold, [w for _, _, w in chunk]


def extract(pred, gold, words, cfg):
    found = []
    for b in range(pred.size(0)):
        for pos in range(pred.size(1)):
            if gold[b, pos] == -100:
                continue
            tag = cfg.tags[pred[b, pos]]
            if tag != "O":
                found.append((tag, words[b][pos - 1]))
    return found


def main():
    random.seed(0)
    torch.manual_seed(0)
    cfg = TaggerConfig.for_task("stake_readings")
    vocab = {s: i for i, s in enumerate(cfg.SPECIALS)}
    for text, _ in NOTES:
        for w in cfg.words(text):
            vocab.setdefault(w, len(vocab))
    log.info("vocab=%d tags=%s max_len=%d", len(vocab), cfg.tags, cfg.max_len)

    rows = [encode(t, g, vocab, cfg) for t, g in NOTES]
    model = StakeTagger.from_config(cfg, vocab)
    opt = torch.optim.Adam(model.parameters(), lr=5e-3)
    crit = nn.CrossEntropyLoss(ignore_index=-100)

    for epoch in range(cfg.epochs):
        random.shuffle(rows)
        total = 0.0
        for ids, gold, _ in batches(rows, cfg.batch_size):
            logits = model(ids)
            loss = crit(logits.reshape(-1, cfg.num_tags), gold.reshape(-1))
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item()
        log.info("epoch %d loss %.3f", epoch, total)

    model.eval()
    with torch.no_grad():
        for ids, gold, words in batches(rows, cfg.batch_size):
            pred = model(ids).argmax(-1)
            for tag, word in extract(pred, gold, words, cfg):
                print(f"  {tag:<8} {word}")


if __name__ == "__main__":
    main()
