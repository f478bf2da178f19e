# Hive inspection note triage: small transformer encoder + a note-length bucket feature.
# Inspectors who write long notes usually found something, so length goes in as a learned embedding.
import math
import random

import torch
import torch.nn as nn
from torch.utils.data import DataLoader


class AttrDict(dict):
    __getattr__ = dict.__getitem__

    def __setattr__(self, name, value):
        self[name] = value


def nest(obj):
    return AttrDict({k: nest(v) for k, v in obj.items()}) if isinstance(obj, dict) else obj


def coerce(text):
    if text in ("true", "false"):
        return text == "true"
    try:
        return int(text)
    except ValueError:
        try:
            return float(text)
        except ValueError:
            return text


def deep_update(dst, src):
    for k, v in src.items():
        if isinstance(v, dict) and isinstance(dst.get(k), dict):
            deep_update(dst[k], v)
        else:
            dst[k] = v


def load_settings(defaults, argv):
    tree = nest(defaults)
    for item in argv:
        key, _, raw = item.partition("=")
        patch = coerce(raw)
        for part in reversed(key.split(".")):
            patch = {part: patch}
        deep_update(tree, nest(patch))
    return tree


DEFAULTS = {
    "model": {"dim": 32, "heads": 2, "layers": 1, "len_dim": 8},
    "data": {"max_tokens": 40},
    "features": {"bucket_step": 40, "n_buckets": 4},
    "optim": {"lr": 1e-3, "batch": 4, "epochs": 2},
}
ARGV = ["features.bucket_step=30", "features.n_buckets=3", "optim.epochs=3"]
S = load_settings(DEFAULTS, ARGV)

BOUNDARIES = torch.tensor([S.features.bucket_step * k for k in range(1, S.features.n_buckets + 1)])
STATUS = ["healthy", "queenless", "varroa", "foulbrood"]
NOTES = [
    ("brood pattern solid, calm bees", "healthy"),
    ("eggs present, stores good", "healthy"),
    ("no eggs, no queen seen, several emergency cells drawn on frame four and five", "queenless"),
    ("roaring colony, laying workers suspected", "queenless"),
    ("mites on drone brood, sugar roll count eleven per three hundred bees, deformed wings on two emerging workers", "varroa"),
    ("deformed wings seen", "varroa"),
    ("sunken perforated cappings, ropey test positive on two cells, sample bagged for the lab and apiary flagged", "foulbrood"),
    ("foul smell, scattered brood", "foulbrood"),
]


def build_vocab(texts):
    vocab = {"<pad>": 0, "<unk>": 1}
    for t in texts:
        for w in t.replace(",", " ").split():
            vocab.setdefault(w, len(vocab))
    return vocab


def encode(note, vocab):
    ids = [vocab.get(w, 1) for w in note.replace(",", " ").split()][: S.data.max_tokens]
    return {"ids": ids, "chars": len(note)}


def collate(rows):
    width = max(len(r["ids"]) for r, _ in rows)
    ids = torch.zeros(len(rows), width, dtype=torch.long)
    for i, (r, _) in enumerate(rows):
        ids[i, : len(r["ids"])] = torch.tensor(r["ids"])
    chars = torch.tensor([r["chars"] for r, _ in rows])
    y = torch.tensor([t for _, t in rows])
    return ids, ids.eq(0), chars, y


class HiveTagger(nn.Module):
    def __init__(self, vocab_size):
        super().__init__()
        self.tok = nn.Embedding(vocab_size, S.model.dim, padding_idx=0)
        self.pos = nn.Parameter(torch.randn(S.data.max_tokens, S.model.dim) / math.sqrt(S.model.dim))
        layer = nn.TransformerEncoderLayer(S.model.dim, S.model.heads, 2 * S.model.dim, batch_first=True)
        self.enc = nn.TransformerEncoder(layer, S.model.layers)
        self.len_emb = nn.Embedding(len(BOUNDARIES) + 1, S.model.len_dim)
        self.out = nn.Linear(S.model.dim + S.model.len_dim, len(STATUS))

    def forward(self, ids, pad, chars):
        x = self.tok(ids) + self.pos[: ids.size(1)]
        x = self.enc(x, src_key_padding_mask=pad)
        keep = (~pad).unsqueeze(-1).float()
        sent = (x * keep).sum(1) / keep.sum(1)
        bucket = torch.bucketize(chars, BOUNDARIES)
        return self.out(torch.cat([sent, self.len_emb(bucket)], dim=-1))


def main():
    random.seed(3)
    torch.manual_seed(3)
    vocab = build_vocab(n for n, _ in NOTES)
    data = [(encode(n, vocab), STATUS.index(s)) for n, s in NOTES]
    loader = DataLoader(data, batch_size=S.optim.batch, shuffle=True, collate_fn=collate)
    net = HiveTagger(len(vocab))
    opt = torch.optim.AdamW(net.parameters(), lr=S.optim.lr)
    print(f"length boundaries {BOUNDARIES.tolist()}, vocab {len(vocab)}")
    for epoch in range(S.optim.epochs):
        running = 0.0
        for ids, pad, chars, y in loader:
            loss = nn.functional.cross_entropy(net(ids, pad, chars), y)
            opt.zero_grad()
            loss.backward()
            opt.step()
            running += loss.item()
        print(f"epoch {epoch} loss {running / len(loader):.3f}")


if __name__ == "__main__":
    main()
