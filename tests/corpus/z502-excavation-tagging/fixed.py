"""Token tagger for excavation context sheets.

Tags each word of a trench-log line as FIND (artefact), MAT (material),
STRAT (stratigraphic unit) or O. Tiny BiGRU, trained from scratch.
"""
import functools
import random

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader

SEED = 2024
random.seed(SEED)
torch.manual_seed(SEED)

TAGSET = ["O", "FIND", "MAT", "STRAT"]
PAD_TAG = -100

SHEETS = [
    "context 104 sealed by layer 103 contains bronze fibula and charcoal",
    "sherd of samian ware recovered from fill 212",
    "iron nail in clay matrix below surface 17",
    "layer 88 yielded flint scraper and burnt bone",
    "posthole 31 cut into natural gravel",
    "glass bead in silt lens of ditch 9",
]
# hand annotated, one tag per whitespace token
SHEET_TAGS = [
    "STRAT STRAT O O STRAT STRAT O MAT FIND O MAT",
    "FIND O O O O O STRAT STRAT",
    "MAT FIND O MAT O O STRAT STRAT",
    "STRAT STRAT O MAT FIND O O MAT",
    "STRAT STRAT O O O MAT",
    "MAT FIND O MAT O O STRAT STRAT",
]


def build_vocab(lines):
    vocab = {"<pad>": 0, "<unk>": 1}
    for line in lines:
        for w in line.split():
            vocab.setdefault(w, len(vocab))
    return vocab


def make_examples(vocab):
    tag_index = {t: i for i, t in enumerate(TAGSET)}
    examples = []
    for line, tags in zip(SHEETS, SHEET_TAGS):
        words, tag_seq = line.split(), tags.split()
        assert len(words) == len(tag_seq), line
        examples.append(([vocab.get(w, 1) for w in words], [tag_index[t] for t in tag_seq]))
    return examples


def pad_collate(batch, pad_id):
    longest = max(len(w) for w, _ in batch)
    word_ids = torch.full((len(batch), longest), pad_id, dtype=torch.long)
    tag_ids = torch.full((len(batch), longest), PAD_TAG, dtype=torch.long)
    for row, (w, t) in enumerate(batch):
        word_ids[row, : len(w)] = torch.tensor(w)
        tag_ids[row, : len(t)] = torch.tensor(t)
    return word_ids, tag_ids


class TrenchTagger(nn.Module):
    def __init__(self, vocab_size, n_tags, emb_dim=24, hid=16):
        super().__init__()
        self.emb = nn.Embedding(vocab_size, emb_dim, padding_idx=0)
        self.rnn = nn.GRU(emb_dim, hid, batch_first=True, bidirectional=True)
        self.proj = nn.Linear(2 * hid, n_tags)

    def forward(self, word_ids):
        h, _ = self.rnn(self.emb(word_ids))
        return self.proj(h)


def tagging_loss(scores, gold):
    return F.cross_entropy(scores.reshape(-1, scores.size(-1)), gold.reshape(-1), ignore_index=PAD_TAG)


def train(model, loader, epochs=3):
    opt = torch.optim.Adam(model.parameters(), lr=1e-2)
    for ep in range(epochs):
        total, n = 0.0, 0
        for word_ids, tag_ids in loader:
            scores = model(word_ids)
            loss = tagging_loss(scores, tag_ids)
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item()
            n += 1
        print(f"[epoch {ep}] mean loss {total / n:.3f}")


def main():
    vocab = build_vocab(SHEETS)
    data = make_examples(vocab)
    print(f"{len(data)} sheets, vocab of {len(vocab)} words")
    loader = DataLoader(
        data, batch_size=3, shuffle=True,
        collate_fn=functools.partial(pad_collate, pad_id=vocab["<pad>"]),
    )
    model = TrenchTagger(len(vocab), len(TAGSET))
    train(model, loader)

    model.eval()
    probe = "bronze fibula in fill 212".split()
    with torch.no_grad():
        ids = torch.tensor([[vocab.get(w, 1) for w in probe]])
        pred = model(ids).argmax(-1)[0].tolist()
    print(list(zip(probe, [TAGSET[p] for p in pred])))


if __name__ == "__main__":
    main()
