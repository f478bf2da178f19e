"""corelog: word-level tagging of ice-core visual stratigraphy logs.

Tags each word of a core-section description with the layer feature it refers to
(volcanic ash, dust band, melt layer, bubble-free zone). Plain PyTorch only.
"""
import argparse
import logging
import random

import torch
import torch.nn as nn

logging.basicConfig(level=logging.INFO, format="%(levelname)s %(message)s")
log = logging.getLogger("corelog")

TAGS = ["O", "ASH", "DUST", "MELT", "CLEAR"]

# (description, tag per word)
CORE_LOGS = [
    ("thin ash band at 412 cm", "O ASH O O O O"),
    ("cloudy dust layer below melt crust", "DUST DUST O O MELT MELT"),
    ("bubble free clear ice section", "CLEAR CLEAR CLEAR CLEAR O"),
    ("tephra ash visible under lamp", "ASH ASH O O O"),
    ("refrozen melt lens with dust", "MELT MELT MELT O DUST"),
    ("clear ice then faint ash", "CLEAR CLEAR O O ASH"),
]


def iter_batches(records, batch_size, shuffle=True):
    order = list(range(len(records)))
    if shuffle:
        random.shuffle(order)
    for start in range(0, len(order), batch_size):
        yield [records[i] for i in order[start:start + batch_size]]


class CoreTagger(nn.Module):
    def __init__(self, vocab_size, num_tags, emb_dim, hidden_dim, n_heads, dropout):
        super().__init__()
        self.parts = nn.ModuleDict({
            "embed": nn.Embedding(vocab_size, emb_dim, padding_idx=0),
            "encode": nn.TransformerEncoderLayer(emb_dim, n_heads, dim_feedforward=hidden_dim,
                                                 dropout=dropout, batch_first=True),
            "tag": nn.Linear(emb_dim, num_tags),
        })

    def forward(self, word_ids):
        padding = word_ids == 0
        states = self.parts["encode"](self.parts["embed"](word_ids), src_key_padding_mask=padding)
        return self.parts["tag"](states)


def build_tagger(vocab_size, emb_dim=64, hidden_dim=64, n_heads=4, dropout=0.1, **_):
    return CoreTagger(vocab_size, len(TAGS), emb_dim, hidden_dim, n_heads, dropout)


def to_tensors(batch, word_index):
    width = max(len(text.split()) for text, _ in batch)
    words = torch.zeros(len(batch), width, dtype=torch.long)
    gold = torch.full((len(batch), width), -100, dtype=torch.long)
    for r, (text, tagline) in enumerate(batch):
        for c, (w, t) in enumerate(zip(text.split(), tagline.split())):
            words[r, c] = word_index.setdefault(w, len(word_index))
            gold[r, c] = TAGS.index(t)
    return words, gold


def fit(args):
    random.seed(args.seed)
    torch.manual_seed(args.seed)
    word_index = {"<pad>": 0}
    for text, _ in CORE_LOGS:
        for w in text.split():
            word_index.setdefault(w, len(word_index))
    tagger = build_tagger(len(word_index), **vars(args))
    optim = torch.optim.Adam(tagger.parameters(), lr=args.lr)
    criterion = nn.CrossEntropyLoss(ignore_index=-100)
    log.info("tagger ready: %d words, emb=%d", len(word_index), args.emb_dim)

    for epoch in range(args.epochs):
        tagger.train()
        seen, total = 0, 0.0
        for batch in iter_batches(CORE_LOGS, args.batch_size):
            words, gold = to_tensors(batch, word_index)
            scores = tagger(words)
            loss = criterion(scores.reshape(-1, len(TAGS)), gold.reshape(-1))
            optim.zero_grad()
            loss.backward()
            optim.step()
            seen += 1
            total += loss.item()
        log.info("epoch %d mean loss %.4f", epoch, total / seen)
    return tagger, word_index


def score(args):
    tagger, word_index = fit(args)
    tagger.eval()
    right = count = 0
    with torch.no_grad():
        for batch in iter_batches(CORE_LOGS, args.batch_size, shuffle=False):
            words, gold = to_tensors(batch, word_index)
            pred = tagger(words).argmax(-1)
            keep = gold != -100
            right += (pred[keep] == gold[keep]).sum().item()
            count += keep.sum().item()
    log.info("token accuracy %.3f", right / count)


def parse(argv):
    ap = argparse.ArgumentParser(prog="corelog")
    sp = ap.add_subparsers(dest="mode", required=True)
    for mode, handler in (("train", fit), ("evaluate", score)):
        p = sp.add_parser(mode)
        p.add_argument("--emb-dim", type=int, default=64)
        p.add_argument("--hidden-dim", type=int, default=64)
        p.add_argument("--n-heads", type=int, default=4)
        p.add_argument("--dropout", type=float, default=0.1)
        p.add_argument("--epochs", type=int, default=3)
        p.add_argument("--batch-size", type=int, default=3)
        p.add_argument("--lr", type=float, default=2e-3)
        p.add_argument("--seed", type=int, default=21)
        p.set_defaults(func=handler)
    return ap.parse_args(argv)


def main(argv):
    args = parse(argv)
    args.func(args)


if __name__ == "__main__":
    main(["evaluate", "--emb-dim", "48", "--hidden-dim", "96", "--n-heads", "4", "--epochs", "4"])
