"""Character-level transformer that tags harbour pilot boarding logs as routine / incident."""
import re
import types
from functools import partial

import torch
import torch.nn as nn
import yaml

CONFIG_YAML = """
defaults: &base
  d_model: 32
  dropout: 0.1
  seed: 3
model:
  <<: *base
  n_heads: 2
  n_layers: 1
  max_positions: 64
  n_classes: 2
data:
  pad_char: "\\0"
  max_chars: ${model.max_positions}
train:
  <<: *base
  chunk_chars: 160
  batch_size: 3
  steps: 4
  lr: 0.002
"""

LOGS = [
    ("0612 boarded MV Kestrel at pilot station, wind SW 12kn, transit to berth 4 uneventful", 0),
    ("1940 pilot ladder rung broken on MV Orla, boarding delayed 20 min, master informed", 1),
    ("0305 tug Lyra made fast aft, swell 1.5m, vessel berthed port side to at quay 2 without issue", 0),
    ("1122 near miss with fishing vessel in outer channel, VTS notified, speed reduced to 4kn", 1),
    ("2210 disembarked at fairway buoy, visibility good", 0),
    ("0450 bow thruster failure on approach, second tug ordered, berthing aborted and anchored", 1),
]

_PAT = re.compile(r"\$\{([^}]+)\}")


def interpolate(cfg):
    def fetch(path):
        cur = cfg
        for key in path.split("."):
            cur = cur[key]
        return walk(cur)

    def walk(val):
        if isinstance(val, dict):
            return {k: walk(v) for k, v in val.items()}
        if isinstance(val, str):
            m = _PAT.fullmatch(val.strip())
            if m:
                return fetch(m.group(1))
            return _PAT.sub(lambda mm: str(fetch(mm.group(1))), val)
        return val

    return walk(cfg)


def as_namespace(d):
    if isinstance(d, dict):
        return types.SimpleNamespace(**{k: as_namespace(v) for k, v in d.items()})
    return d


class CharVocab:
    def __init__(self, texts, pad_char):
        self.itos = [pad_char] + sorted({c for t in texts for c in t})
        self.stoi = {c: i for i, c in enumerate(self.itos)}

    def encode(self, text, limit):
        return [self.stoi[c] for c in text[:limit]]


def collate(rows, vocab, limit):
    seqs = [vocab.encode(t, limit) for t, _ in rows]
    longest = max(map(len, seqs))
    chars = torch.zeros(len(seqs), longest, dtype=torch.long)
    for r, s in enumerate(seqs):
        chars[r, : len(s)] = torch.tensor(s)
    return chars, chars.eq(0), torch.tensor([y for _, y in rows])


class PilotLogTagger(nn.Module):
    def __init__(self, n_chars, m):
        super().__init__()
        self.char_emb = nn.Embedding(n_chars, m.d_model, padding_idx=0)
        self.pos_emb = nn.Embedding(m.max_positions, m.d_model)
        layer = nn.TransformerEncoderLayer(
            m.d_model, m.n_heads, 2 * m.d_model, dropout=m.dropout, batch_first=True
        )
        self.encoder = nn.TransformerEncoder(layer, m.n_layers, enable_nested_tensor=False)
        self.out = nn.Linear(m.d_model, m.n_classes)

    def forward(self, chars, pad_flags):
        pos = torch.arange(chars.size(1)).unsqueeze(0)
        h = self.char_emb(chars) + self.pos_emb(pos)
        h = self.encoder(h, src_key_padding_mask=pad_flags)
        keep = (~pad_flags).unsqueeze(-1).float()
        return self.out((h * keep).sum(1) / keep.sum(1))


def batches(data, size):
    for i in range(0, len(data), size):
        yield data[i : i + size]


def main():
    cfg = as_namespace(interpolate(yaml.safe_load(CONFIG_YAML)))
    torch.manual_seed(cfg.train.seed)
    vocab = CharVocab([t for t, _ in LOGS], cfg.data.pad_char)
    make = partial(collate, vocab=vocab, limit=cfg.data.max_chars)
    print(f"vocab {len(vocab.itos)} chars, sequences capped at {cfg.data.max_chars}")

    model = PilotLogTagger(len(vocab.itos), cfg.model)
    opt = torch.optim.Adam(model.parameters(), lr=cfg.train.lr)
    loss_fn = nn.CrossEntropyLoss()

    for step in range(cfg.train.steps):
        for rows in batches(LOGS, cfg.train.batch_size):
            chars, pad_flags, tags = make(rows)
            loss = loss_fn(model(chars, pad_flags), tags)
            opt.zero_grad()
            loss.backward()
            opt.step()
        print(f"step {step}: loss={loss.item():.4f}")

    model.eval()
    with torch.no_grad():
        chars, pad_flags, tags = make(LOGS)
        acc = (model(chars, pad_flags).argmax(-1) == tags).float().mean()
    print(f"train accuracy {acc:.2f}")


if __name__ == "__main__":
    main()
