"""Partial-credit grader for free-response algebra explanations.

Students explain in words how they solved a two-step equation; teachers award
0, 1 or 2 points. A small BiLSTM reads the explanation and the final forward
and backward states are concatenated and fed to a 3-way points classifier.
"""
import random
from collections import Counter

import torch
import torch.nn as nn
from torch.nn.utils.rnn import pad_sequence

torch.manual_seed(3)
random.seed(3)

MAX_POINTS = 2

EXPLANATIONS = [
    ("i subtracted 5 from both sides then divided both sides by 3 so x is 4", 2),
    ("first take away 5 on each side to get 3x equals 12 then divide by 3 and x equals 4", 2),
    ("i moved the 5 over and divided to get x equals 4", 1),
    ("x is 4 because 3 times 4 plus 5 is 17", 1),
    ("i guessed numbers until it worked", 0),
    ("i divided by 3 first and got x equals 17", 0),
    ("subtract 5 to undo the plus then divide by 3 to undo the times so x is 4", 2),
    ("x equals 4", 0),
    ("i did 17 minus 5 which is 12 and then 12 divided by 3", 1),
    ("you add 5 to both sides and then divide getting 7 and one third", 0),
    ("get rid of the 5 by subtracting it from both sides then split 12 into 3 groups so x is 4", 2),
    ("12 over 3 is 4", 1),
]


def tokenize(text):
    return text.lower().replace(",", " ").split()


def build_lexicon(rows, min_count=1):
    counts = Counter(w for text, _ in rows for w in tokenize(text))
    lexicon = {"<pad>": 0, "<unk>": 1}
    for w, c in counts.most_common():
        if c >= min_count:
            lexicon[w] = len(lexicon)
    return lexicon


def numericalize(rows, lexicon):
    seqs, points = [], []
    for text, pts in rows:
        seqs.append(torch.tensor([lexicon.get(w, 1) for w in tokenize(text)]))
        points.append(pts)
    return seqs, torch.tensor(points)


def make_batch(seqs, points, idx):
    chosen = [seqs[i] for i in idx]
    lengths = torch.tensor([len(s) for s in chosen])
    padded = pad_sequence(chosen, batch_first=True, padding_value=0)
    return padded, lengths, points[idx]


class ExplanationGrader(nn.Module):
    def __init__(self, n_words, emb=24, hidden=32, n_points=MAX_POINTS + 1):
        super().__init__()
        self.hidden = hidden
        self.embed = nn.Embedding(n_words, emb, padding_idx=0)
        self.rnn = nn.LSTM(emb, hidden, bidirectional=True, batch_first=True)
        self.classifier = nn.Sequential(nn.Dropout(0.2), nn.Linear(2 * hidden, n_points))

    def forward(self, tokens, lengths):
        packed = nn.utils.rnn.pack_padded_sequence(
            self.embed(tokens), lengths, batch_first=True, enforce_sorted=False)
        _, (h_n, _) = self.rnn(packed)
        n = tokens.size(0)
        summary = h_n.transpose(0, 1).view(n, 2 * self.hidden)
        return self.classifier(summary)


def evaluate(model, seqs, points):
    model.eval()
    with torch.no_grad():
        tokens, lengths, gold = make_batch(seqs, points, list(range(len(seqs))))
        pred = model(tokens, lengths).argmax(-1)
    model.train()
    exact = (pred == gold).float().mean().item()
    adjacent = ((pred - gold).abs() <= 1).float().mean().item()
    return exact, adjacent


def main():
    lexicon = build_lexicon(EXPLANATIONS)
    seqs, points = numericalize(EXPLANATIONS, lexicon)
    print(f"{len(seqs)} explanations, lexicon size {len(lexicon)}, "
          f"points dist {Counter(points.tolist())}")

    model = ExplanationGrader(len(lexicon))
    optim = torch.optim.Adam(model.parameters(), lr=2e-3)
    criterion = nn.CrossEntropyLoss()

    order = list(range(len(seqs)))
    for epoch in range(15):
        random.shuffle(order)
        total = 0.0
        for start in range(0, len(order), 4):
            tokens, lengths, gold = make_batch(seqs, points, order[start:start + 4])
            logits = model(tokens, lengths)
            loss = criterion(logits, gold)
            optim.zero_grad()
            loss.backward()
            optim.step()
            total += loss.item()
        if epoch % 5 == 4:
            exact, adjacent = evaluate(model, seqs, points)
            print(f"epoch {epoch}: loss {total:.3f} exact {exact:.2f} adjacent {adjacent:.2f}")


if __name__ == "__main__":
    main()
