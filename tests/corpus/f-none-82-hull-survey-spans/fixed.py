import random

import torch
import torch.nn as nn
import torch.nn.functional as F

random.seed(0)
torch.manual_seed(0)

WINDOW, STRIDE = 12, 6

FILLER = ("surveyor noted plating thickness within limits ballast tanks coated anodes "
          "replaced rudder bearing clearance measured propeller polished sea chest "
          "gratings cleaned hull fouling light keel blocks inspected").split()
DEFECTS = [["pitting", "near", "bow", "thruster"], ["crack", "in", "bilge", "keel"],
           ["dent", "on", "starboard", "quarter"], ["corrosion", "at", "waterline"]]


def make_report(n_words):
    words = [random.choice(FILLER) for _ in range(n_words)]
    defect = random.choice(DEFECTS)
    at = random.randrange(0, n_words - len(defect))
    words[at:at + len(defect)] = defect
    return words, at, at + len(defect) - 1


def build_vocab(reports):
    vocab = {}
    for words, _, _ in reports:
        for w in words:
            vocab.setdefault(w, len(vocab))
    return vocab


def windows_with_answer(ids, start, end):
    examples = []
    for offset in range(0, len(ids) - WINDOW + 1, STRIDE):
        if offset <= start and end < offset + WINDOW:
            examples.append((ids[offset:offset + WINDOW], start - offset, end - offset))
    return examples


class SpanPointer(nn.Module):
    def __init__(self, vocab_size, dim=32):
        super().__init__()
        self.emb = nn.Embedding(vocab_size, dim)
        self.rnn = nn.GRU(dim, dim, batch_first=True, bidirectional=True)
        self.start_end = nn.Linear(2 * dim, 2)

    def forward(self, ids):
        h, _ = self.rnn(self.emb(ids))
        start_logits, end_logits = self.start_end(h).unbind(-1)
        return start_logits, end_logits


def main():
    reports = [make_report(random.randint(30, 48)) for _ in range(10)]
    vocab = build_vocab(reports)
    examples = []
    for words, start, end in reports:
        ids = [vocab[w] for w in words]
        examples.extend(windows_with_answer(ids, start, end))
    print(f"{len(reports)} survey reports -> {len(examples)} windows of {WINDOW} words")

    x = torch.tensor([ids for ids, _, _ in examples])
    starts = torch.tensor([s for _, s, _ in examples])
    ends = torch.tensor([e for _, _, e in examples])

    model = SpanPointer(len(vocab))
    opt = torch.optim.Adam(model.parameters(), lr=3e-3)
    for epoch in range(30):
        start_logits, end_logits = model(x)
        loss = F.cross_entropy(start_logits, starts) + F.cross_entropy(end_logits, ends)
        opt.zero_grad()
        loss.backward()
        opt.step()
        if epoch % 10 == 0:
            print(f"epoch {epoch} loss {loss.item():.3f}")

    with torch.no_grad():
        start_logits, end_logits = model(x)
    exact = ((start_logits.argmax(-1) == starts) & (end_logits.argmax(-1) == ends)).float().mean()
    print(f"exact span match {exact:.2f}")


if __name__ == "__main__":
    main()
