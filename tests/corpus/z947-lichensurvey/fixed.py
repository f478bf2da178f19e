"""Lichen transect notes -> span tagger. Pulls substrate and taxon mentions out
of volunteers' field notes so they can be matched to the survey grid."""
import random
from dataclasses import dataclass, field

import torch
import torch.nn as nn


@dataclass
class ModelCfg:
    emb_dim: int = 24
    hidden: int = 32
    max_len: int = 32


@dataclass
class DataCfg:
    label_names: list = field(default_factory=lambda: ["O", "B-TAXON", "I-TAXON", "B-SUBSTRATE", "I-SUBSTRATE"])
    max_len: int = 32


@dataclass
class TrainCfg:
    epochs: int = 5
    batch_size: int = 2
    lr: float = 0.01
    seed: int = 3


@dataclass
class Cfg:
    model: ModelCfg = field(default_factory=ModelCfg)
    data: DataCfg = field(default_factory=DataCfg)
    train: TrainCfg = field(default_factory=TrainCfg)


def load_cfg(overrides: dict) -> Cfg:
    cfg = Cfg()
    for dotted, value in overrides.items():
        target = cfg
        parts = dotted.split(".")
        for name in parts[:-1]:
            target = getattr(target, name)
        setattr(target, parts[-1], value)
    return cfg


# (tokens, tags) pairs, tags given as label strings
FIELD_NOTES = [
    ("xanthoria parietina thick on north face of granite wall".split(),
     ["B-TAXON", "I-TAXON", "O", "O", "O", "O", "O", "B-SUBSTRATE", "I-SUBSTRATE"]),
    ("usnea on old oak bark".split(),
     ["B-TAXON", "O", "B-SUBSTRATE", "I-SUBSTRATE", "I-SUBSTRATE"]),
    ("patches of lecanora on concrete post".split(),
     ["O", "O", "B-TAXON", "O", "B-SUBSTRATE", "I-SUBSTRATE"]),
    ("cladonia cups among moss on sandstone".split(),
     ["B-TAXON", "O", "O", "O", "O", "B-SUBSTRATE"]),
    ("parmelia sulcata abundant on ash twigs near stile".split(),
     ["B-TAXON", "I-TAXON", "O", "O", "B-SUBSTRATE", "I-SUBSTRATE", "O", "O"]),
    ("nothing on slate roof".split(),
     ["O", "O", "B-SUBSTRATE", "I-SUBSTRATE"]),
]


def iterate(pairs, size, word_ids, tag_ids, shuffle):
    order = list(range(len(pairs)))
    if shuffle:
        random.shuffle(order)
    for start in range(0, len(order), size):
        chunk = [pairs[j] for j in order[start:start + size]]
        width = max(len(toks) for toks, _ in chunk)
        x = torch.zeros(len(chunk), width, dtype=torch.long)
        y = torch.full((len(chunk), width), -100, dtype=torch.long)
        for row, (toks, tags) in enumerate(chunk):
            x[row, :len(toks)] = torch.tensor([word_ids.get(t, 1) for t in toks])
            y[row, :len(tags)] = torch.tensor([tag_ids[t] for t in tags])
        yield x, y, torch.tensor([len(toks) for toks, _ in chunk])


class SpanTagger(nn.Module):
    def __init__(self, n_words, n_tags, mc: ModelCfg):
        super().__init__()
        self.emb = nn.Embedding(n_words, mc.emb_dim, padding_idx=0)
        self.rnn = nn.GRU(mc.emb_dim, mc.hidden, batch_first=True, bidirectional=True)
        self.proj = nn.Linear(2 * mc.hidden, n_tags)

    def forward(self, x):
        out, _ = self.rnn(self.emb(x))
        return self.proj(out)


def extract_spans(pred, lengths, cfg):
    found = []
    for i in range(pred.size(0)):
        row, spans, current = pred[i], [], None
        for t in range(int(lengths[i])):
            tag = cfg.data.label_names[row[t].item()]
            if tag.startswith("B-"):
                current = [tag[2:], t, t]
                spans.append(current)
            elif tag.startswith("I-") and current and current[0] == tag[2:]:
                current[2] = t
            else:
                current = None
        found.append(spans)
    return found


def main():
    cfg = load_cfg({"train.epochs": 2, "data.max_len": 24})
    random.seed(cfg.train.seed)
    torch.manual_seed(cfg.train.seed)

    vocab = {"<pad>": 0, "<unk>": 1}
    for toks, _ in FIELD_NOTES:
        for w in toks:
            vocab.setdefault(w, len(vocab))
    tag_ids = {t: k for k, t in enumerate(cfg.data.label_names)}

    tagger = SpanTagger(len(vocab), len(tag_ids), cfg.model)
    opt = torch.optim.Adam(tagger.parameters(), lr=cfg.train.lr)
    crit = nn.CrossEntropyLoss(ignore_index=-100)

    for ep in range(cfg.train.epochs):
        ep_loss = 0.0
        for x, y, _ in iterate(FIELD_NOTES, cfg.train.batch_size, vocab, tag_ids, shuffle=True):
            scores = tagger(x)
            loss = crit(scores.reshape(-1, scores.size(-1)), y.reshape(-1))
            opt.zero_grad()
            loss.backward()
            opt.step()
            ep_loss += loss.item()
        print(f"epoch {ep}: {ep_loss:.3f}")

    tagger.eval()
    with torch.no_grad():
        for x, _, lens in iterate(FIELD_NOTES, 3, vocab, tag_ids, shuffle=False):
            for spans in extract_spans(tagger(x).argmax(-1), lens, cfg):
                print("spans:", spans)


if __name__ == "__main__":
    main()
