# k-fold CV for a small transformer encoder over hive inspection notes, then a fold ensemble on new notes
import math
import re
from types import SimpleNamespace

import torch
import torch.nn as nn
import yaml

CONFIG = """
common: &base
  seed: 21
  max_len: 16
model:
  <<: *base
  dim: 32
  heads: 2
  ff: 64
  classes: [healthy, queenless, preparing_swarm]
data:
  <<: *base
  n_folds: 5
train:
  <<: *base
  folds_to_run: 3
  steps: 2
  lr: 2.0e-3
ensemble:
  members: ${data.n_folds}
  weighting: uniform
"""

INSPECTIONS = [
    ("brood pattern solid eggs seen queen marked", 0), ("capped brood good stores calm bees", 0),
    ("eggs and young larvae laying well", 0), ("queen seen laying frames full of brood", 0),
    ("calm colony pollen coming in eggs present", 0),
    ("no eggs no young larvae bees roaring", 1), ("emergency cells no queen seen no eggs", 1),
    ("laying workers drone brood scattered", 1), ("no brood at all colony agitated", 1),
    ("queenless roar no eggs for two weeks", 1),
    ("charged queen cells on frame bottoms", 2), ("many swarm cells colony crowded", 2),
    ("queen cups with larvae bees backfilling brood nest", 2), ("crowded boxes sealed queen cells", 2),
    ("scouts at entrance queen cells capped", 2),
]
NEW_NOTES = ["eggs present queen marked calm", "no eggs bees roaring", "capped queen cells crowded",
             "brood solid good stores", "emergency cells no eggs", "swarm cells on frame bottoms",
             "laying well pollen in", "drone brood scattered no queen"]


def interp(node, root):
    ref = re.compile(r"\$\{(\w+)\.(\w+)\}")
    if isinstance(node, dict):
        return {k: interp(v, root) for k, v in node.items()}
    if isinstance(node, str):
        whole = ref.fullmatch(node)
        if whole:  # keep the type of a bare reference
            return root[whole[1]][whole[2]]
        return ref.sub(lambda m: str(root[m[1]][m[2]]), node)
    return node


def as_ns(node):
    return SimpleNamespace(**{k: as_ns(v) for k, v in node.items()}) if isinstance(node, dict) else node


class TinyEncoder(nn.Module):
    def __init__(self, vocab_size, m):
        super().__init__()
        self.tok = nn.Embedding(vocab_size, m.dim, padding_idx=0)
        self.pos = nn.Embedding(m.max_len, m.dim)
        layer = nn.TransformerEncoderLayer(m.dim, m.heads, m.ff, dropout=0.0, batch_first=True)
        self.enc = nn.TransformerEncoder(layer, num_layers=1)
        self.head = nn.Linear(m.dim, len(m.classes))

    def forward(self, ids):
        pad = ids.eq(0)
        h = self.tok(ids) + self.pos(torch.arange(ids.size(1)))
        h = self.enc(h, src_key_padding_mask=pad)
        h = h.masked_fill(pad.unsqueeze(-1), 0.0).sum(1) / (~pad).sum(1, keepdim=True)
        return self.head(h)


def encode(texts, vocab, max_len):
    out = torch.zeros(len(texts), max_len, dtype=torch.long)
    for r, t in enumerate(texts):
        ids = [vocab.get(w, 1) for w in t.split()][:max_len]
        out[r, :len(ids)] = torch.tensor(ids)
    return out


def fit_fold(train_rows, vocab, cfg):
    net = TinyEncoder(len(vocab), cfg.model)
    opt = torch.optim.AdamW(net.parameters(), lr=cfg.train.lr)
    x = encode([t for t, _ in train_rows], vocab, cfg.model.max_len)
    y = torch.tensor([c for _, c in train_rows])
    for _ in range(cfg.train.steps):
        opt.zero_grad()
        loss = nn.functional.cross_entropy(net(x), y)
        loss.backward()
        opt.step()
    return net


def main():
    raw = yaml.safe_load(CONFIG)
    cfg = as_ns(interp(raw, raw))
    torch.manual_seed(cfg.train.seed)
    vocab = {"[PAD]": 0, "[UNK]": 1}
    for text, _ in INSPECTIONS:
        for w in text.split():
            vocab.setdefault(w, len(vocab))

    order = torch.randperm(len(INSPECTIONS)).tolist()
    fold_of = {idx: pos % cfg.data.n_folds for pos, idx in enumerate(order)}
    new_x = encode(NEW_NOTES, vocab, cfg.model.max_len)
    fold_acc, fold_probs = [], []
    for k in range(min(cfg.train.folds_to_run, cfg.data.n_folds)):
        tr = [INSPECTIONS[i] for i in order if fold_of[i] != k]
        va = [INSPECTIONS[i] for i in order if fold_of[i] == k]
        net = fit_fold(tr, vocab, cfg)
        net.eval()
        with torch.no_grad():
            pred = net(encode([t for t, _ in va], vocab, cfg.model.max_len)).argmax(-1)
            acc = (pred == torch.tensor([c for _, c in va])).float().mean().item()
            fold_probs.append(net(new_x).softmax(-1))
        fold_acc.append(acc)
        print(f"fold {k}: train={len(tr)} val={len(va)} acc={acc:.2f}")
    print(f"cv accuracy {sum(fold_acc) / len(fold_acc):.3f} over {len(fold_acc)} folds")

    n = cfg.ensemble.members
    if cfg.ensemble.weighting == "uniform":
        w = torch.full((n, 1), 1.0 / n)
    else:
        w = torch.softmax(torch.tensor(fold_acc) / math.sqrt(n), 0).unsqueeze(1)
    stacked = torch.stack(fold_probs, dim=-1)  # notes x classes x folds
    blended = (stacked @ w).squeeze(-1)
    for note, p in zip(NEW_NOTES, blended):
        print(f"{note!r:40} -> {cfg.model.classes[int(p.argmax())]} ({p.max():.2f})")


if __name__ == "__main__":
    main()
