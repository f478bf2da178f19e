"""Tag fields in free-text cargo manifest lines with a small BiLSTM tagger.

Tags: O, GOODS, QTY, PORT. Shapes:
    B = lines per batch, T = padded tokens per line (at most MAX_TOKENS),
    E = embedding size, H = LSTM hidden size per direction, K = number of tags.
"""
import random

import torch
import torch.nn as nn

random.seed(11)
torch.manual_seed(11)

MAX_TOKENS = 12
TAGS = ["O", "GOODS", "QTY", "PORT"]
MANIFEST = [
    ("240 crates bananas from guayaquil", "QTY O GOODS O PORT"),
    ("load 18 pallets copper wire at antwerp", "O QTY O GOODS GOODS O PORT"),
    ("discharge 5 containers frozen shrimp rotterdam", "O QTY O GOODS GOODS PORT"),
    ("60 drums palm oil loaded at port klang bound for hamburg via suez and genoa", "QTY O GOODS GOODS O O PORT PORT O O PORT O PORT O PORT"),
    ("12 bales cotton to mombasa", "QTY O GOODS O PORT"),
    ("900 bags coffee beans santos", "QTY O GOODS GOODS PORT"),
]


def build_vocab(lines):
    vocab = {"<pad>": 0, "<unk>": 1}
    for text, _ in lines:
        for w in text.split():
            vocab.setdefault(w, len(vocab))
    return vocab


def encode(lines, vocab):
    """Return word ids (B, T), tag ids (B, T) with -100 on padding, and kept lengths (B,)."""
    word_rows = [[vocab.get(w, 1) for w in text.split()][:MAX_TOKENS] for text, _ in lines]
    tag_rows = [[TAGS.index(t) for t in tags.split()][:MAX_TOKENS] for _, tags in lines]
    T = max(len(r) for r in word_rows)
    words = torch.zeros(len(lines), T, dtype=torch.long)             # (B, T)
    tags = torch.full((len(lines), T), -100, dtype=torch.long)        # (B, T)
    for i, (wr, tr) in enumerate(zip(word_rows, tag_rows)):
        words[i, : len(wr)] = torch.tensor(wr)
        tags[i, : len(tr)] = torch.tensor(tr)
    lengths = torch.tensor([len(r) for r in word_rows])               # (B,)
    return words, tags, lengths


def iterate(lines, batch_size):
    order = list(range(len(lines)))
    random.shuffle(order)
    for s in range(0, len(order), batch_size):
        yield [lines[j] for j in order[s:s + batch_size]]


class ManifestTagger(nn.Module):
    """words (B, T) -> emissions (B, T, K)."""

    def __init__(self, vocab_size, emb=24, hidden=32, n_tags=len(TAGS)):
        super().__init__()
        self.emb = nn.Embedding(vocab_size, emb, padding_idx=0)
        self.lstm = nn.LSTM(emb, hidden, batch_first=True, bidirectional=True)
        self.proj = nn.Linear(2 * hidden, n_tags)

    def forward(self, words):
        x = self.emb(words)               # (B, T, E)
        h, _ = self.lstm(x)               # (B, T, 2H)
        return self.proj(h)               # (B, T, K)


def evaluate(model, lines, vocab):
    """Token accuracy against the manifest's gold tag strings."""
    def gold_tags(tag_str):
        return [TAGS.index(t) for t in tag_str.split()]

    model.eval()
    words, _, lengths = encode(lines, vocab)                          # (B, T), (B,)
    with torch.no_grad():
        pred = model(words).argmax(-1)                                # (B, T)
    assert pred.shape == words.shape
    assert int(lengths.max()) <= pred.shape[1]
    hits = total = 0
    for i, (_, tag_str) in enumerate(lines):
        gold = gold_tags(tag_str)
        for t in range(len(gold)):
            hits += int(pred[i, t].item() == gold[t])
            total += 1
    return hits / total


def main():
    vocab = build_vocab(MANIFEST)
    model = ManifestTagger(len(vocab))
    opt = torch.optim.Adam(model.parameters(), lr=1e-2)
    loss_fn = nn.CrossEntropyLoss(ignore_index=-100)
    print(f"{len(MANIFEST)} manifest lines, vocab {len(vocab)}, max tokens {MAX_TOKENS}")

    for epoch in range(4):
        model.train()
        epoch_loss = 0.0
        for chunk in iterate(MANIFEST, batch_size=3):
            words, tags, lengths = encode(chunk, vocab)               # (B, T), (B, T), (B,)
            assert words.shape == tags.shape
            assert lengths.shape[0] == words.shape[0]
            emissions = model(words)                                  # (B, T, K)
            loss = loss_fn(emissions.reshape(-1, len(TAGS)), tags.reshape(-1))  # (B*T, K) vs (B*T,)
            opt.zero_grad()
            loss.backward()
            opt.step()
            epoch_loss += loss.item()
        print(f"epoch {epoch}: loss {epoch_loss:.3f}")

    print(f"token accuracy: {evaluate(model, MANIFEST, vocab):.3f}")


if __name__ == "__main__":
    main()
