"""Tag fields in bill-of-lading manifest lines (commodity / quantity / unit / port).

Tiny BERT built from a config, tokenizer from a vocab file we write ourselves.
Written as a chain of small functions; no framework trainer.
"""
import functools
import os
import tempfile

import torch
import torch.nn as nn
from transformers import BertConfig, BertModel, BertTokenizer

torch.manual_seed(11)

TAGS = ["O", "COMMODITY", "QTY", "UNIT", "PORT"]
TAG2ID = {t: i for i, t in enumerate(TAGS)}

MANIFEST = [
    ("steel coils 20 tons bound for rotterdam", "COMMODITY COMMODITY QTY UNIT O O PORT"),
    ("frozen shrimp 340 cartons via singapore", "COMMODITY COMMODITY QTY UNIT O PORT"),
    ("cotton bales 75 bales to karachi", "COMMODITY COMMODITY QTY UNIT O PORT"),
    ("copper cathodes 12 pallets discharge at antwerp", "COMMODITY COMMODITY QTY UNIT O O PORT"),
]

SPECIALS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]

compose = lambda *fns: functools.reduce(lambda f, g: lambda x: g(f(x)), fns, lambda x: x)


def write_vocab(lines):
    words = sorted({w for text, _ in lines for w in text.split()})
    folder = tempfile.mkdtemp(prefix="manifest_vocab_")
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(SPECIALS + words) + "\n")
    return path


def align_tags(encoding, word_tags):
    # first sub-token of each word gets the word tag, the rest and specials are ignored
    def per_row(i):
        seen, row = set(), []
        for wid in encoding.word_ids(i):
            if wid is None or wid in seen:
                row.append(-100)
            else:
                seen.add(wid)
                row.append(TAG2ID[word_tags[i][wid]])
        return row
    return torch.tensor(list(map(per_row, range(len(word_tags)))))


def collate_with(tokenizer):
    def collate(rows):
        words = [text.split() for text, _ in rows]
        tags = [tag_str.split() for _, tag_str in rows]
        enc = tokenizer(words, is_split_into_words=True, padding=True, return_tensors="pt")
        return dict(enc), align_tags(enc, tags)
    return collate


def tagger_for(cfg):
    encoder = BertModel(cfg, add_pooling_layer=False)
    head = nn.Linear(cfg.hidden_size, len(TAGS))
    forward = compose(lambda batch: encoder(**batch).last_hidden_state, head)
    params = list(encoder.parameters()) + list(head.parameters())
    return forward, params


def fit(forward, params, batches, epochs=15, lr=3e-3):
    optim = torch.optim.AdamW(params, lr=lr)
    criterion = nn.CrossEntropyLoss(ignore_index=-100)
    history = []
    for epoch in range(epochs):
        total = 0.0
        for enc, gold in batches:
            optim.zero_grad()
            token_scores = forward(enc)
            loss = criterion(token_scores.transpose(1, 2), gold)
            loss.backward()
            optim.step()
            total += loss.item()
        history.append(total / len(batches))
        if epoch % 5 == 0:
            print(f"epoch {epoch:02d}  loss {history[-1]:.4f}")
    return history


def main():
    tokenizer = BertTokenizer(write_vocab(MANIFEST))
    cfg = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=1,
                     num_attention_heads=2, intermediate_size=64, max_position_embeddings=64)
    collate = collate_with(tokenizer)
    chunk = lambda xs, n: [xs[i:i + n] for i in range(0, len(xs), n)]
    batches = list(map(collate, chunk(MANIFEST, 2)))
    print("first batch ids:", tuple(batches[0][0]["input_ids"].shape),
          "tags:", tuple(batches[0][1].shape))

    forward, params = tagger_for(cfg)
    history = fit(forward, params, batches)
    print(f"final loss {history[-1]:.4f}")

    with torch.no_grad():
        enc, gold = batches[0]
        pred = forward(enc).argmax(-1)
    keep = gold != -100
    acc = (pred[keep] == gold[keep]).float().mean().item()
    print(f"token accuracy on first batch: {acc:.2f}")


if __name__ == "__main__":
    main()
