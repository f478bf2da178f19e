"""Character-level OCR line recognizer: per-line character accuracy on a padded validation batch."""
import torch
import torch.nn as nn
from torch.nn.utils.rnn import pad_sequence

torch.manual_seed(0)
ALPHABET = "abcdefghijklmnopqrstuvwxyz "
lines = ["hello world", "ocr is fun", "a", "padded batches", "short"]
targets = [torch.tensor([ALPHABET.index(c) for c in s]) for s in lines]
strips = [torch.randn(len(s), 16) for s in lines]


class LineReader(nn.Module):
    def __init__(self):
        super().__init__()
        self.rnn = nn.LSTM(16, 32, batch_first=True, bidirectional=True)
        self.cls = nn.Linear(64, len(ALPHABET))

    def forward(self, x):
        return self.cls(self.rnn(x)[0])


def char_accuracy(pred_row, gold):
    hits = 0
    for i in range(len(pred_row)):
        hits += int(pred_row[i] == gold[i])
    return hits / len(gold)


reader = LineReader().eval()
with torch.no_grad():
    decoded = reader(pad_sequence(strips, batch_first=True)).argmax(-1)
scores = [char_accuracy(row, gold) for row, gold in zip(decoded, targets)]
print(sum(scores) / len(scores))
