"""Token tagger for transcribed herbarium specimen labels.

Pulls genus / species / collector / year out of OCR'd label lines with a small
BiGRU. Settings come from env vars so the digitisation pipeline can tune them.
"""
import os
import random

import torch
from torch import nn
from torch.nn.utils.rnn import pad_sequence

os.environ.setdefault("TAGSET", "O,GENUS,SPECIES,COLLECTOR,YEAR")
os.environ.setdefault("MAX_TOKENS", "24")
os.environ.setdefault("GRU_HIDDEN", "32")

TAGSET = os.environ["TAGSET"].split(",")
MAX_TOKENS = int(os.environ["MAX_TOKENS"])
GRU_HIDDEN = int(os.environ["GRU_HIDDEN"])
PAD_TAG = -100

LABELS = [
    ("Quercus robur coll. Hartley 1921 roadside hedge", "GENUS SPECIES O COLLECTOR YEAR O O"),
    ("Salix alba near river coll. Moreau 1898", "GENUS SPECIES O O O COLLECTOR YEAR"),
    ("Carex flacca damp meadow 1934 coll. Ibsen", "GENUS SPECIES O O YEAR O COLLECTOR"),
    ("Orchis mascula chalk slope coll. Hartley 1925", "GENUS SPECIES O O O COLLECTOR YEAR"),
    ("Betula pendula heath edge coll. Moreau 1902", "GENUS SPECIES O O O COLLECTOR YEAR"),
    ("Juncus effusus ditch coll. Ibsen 1930", "GENUS SPECIES O O COLLECTOR YEAR"),
]


def build_vocab(lines):
    vocab = {"<pad>": 0, "<unk>": 1}
    for line in lines:
        for w in line.lower().split():
            vocab.setdefault(w, len(vocab))
    return vocab


def encode(rows, vocab, tag_index):
    for text, tags in rows:
        words = text.lower().split()[:MAX_TOKENS]
        tag_ids = [tag_index[t] for t in tags.split()][:MAX_TOKENS]
        yield torch.tensor([vocab.get(w, 1) for w in words]), torch.tensor(tag_ids)


def collate(pairs):
    tokens, tags = zip(*pairs)
    lengths = torch.tensor([len(t) for t in tokens])
    return {
        "tokens": pad_sequence(tokens, batch_first=True, padding_value=0),
        "tags": pad_sequence(tags, batch_first=True, padding_value=PAD_TAG),
        "lengths": lengths,
    }


class LabelTagger(nn.Module):
    def __init__(self, n_words, n_tags, hidden):
        super().__init__()
        self.embed = nn.Embedding(n_words, 32, padding_idx=0)
        self.gru = nn.GRU(32, hidden, batch_first=True, bidirectional=True)
        self.proj = nn.Linear(2 * hidden, n_tags)

    def forward(self, tokens):
        out, _ = self.gru(self.embed(tokens))
        return self.proj(out)


def greedy_decode(scores, lengths):
    # walk position by position, stop writing once a line runs out of words
    batch_size = scores.size(0)
    decoded = [[] for _ in range(batch_size)]
    for t in range(MAX_TOKENS):
        best = scores[:, t].argmax(-1)
        for b in range(batch_size):
            if t < lengths[b]:
                decoded[b].append(TAGSET[best[b].item()])
    return decoded


def main():
    random.seed(5)
    torch.manual_seed(5)
    vocab = build_vocab(text for text, _ in LABELS)
    tag_index = {t: i for i, t in enumerate(TAGSET)}
    pairs = list(encode(LABELS, vocab, tag_index))
    train_pairs, dev_pairs = pairs[:4], pairs[4:]

    model = LabelTagger(len(vocab), len(TAGSET), GRU_HIDDEN)
    opt = torch.optim.Adam(model.parameters(), lr=0.01)
    loss_fn = nn.CrossEntropyLoss(ignore_index=PAD_TAG)

    for epoch in range(1, 4):
        model.train()
        random.shuffle(train_pairs)
        batch = collate(train_pairs)
        scores = model(batch["tokens"])
        loss = loss_fn(scores.reshape(-1, len(TAGSET)), batch["tags"].reshape(-1))
        opt.zero_grad()
        loss.backward()
        opt.step()

        model.eval()
        dev = collate(dev_pairs)
        with torch.no_grad():
            predicted = greedy_decode(model(dev["tokens"]), dev["lengths"])
        print(f"epoch {epoch} loss={loss.item():.3f} dev[0]={predicted[0]}")


if __name__ == "__main__":
    main()
