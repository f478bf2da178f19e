"""Token-level accuracy of a tagger, computed in numpy after collecting the predictions of one batch."""
import numpy as np
import torch
import torch.nn as nn

torch.manual_seed(0)
SEQ_LEN = 12
tagger = nn.Sequential(nn.Embedding(30, 8), nn.Linear(8, 4))
batch = torch.randint(1, 30, (2, 7))
gold = np.random.RandomState(0).randint(0, 4, size=(2, 7))

with torch.no_grad():
    pred = tagger(batch).argmax(-1).numpy()


def token_accuracy(pred, gold):
    hits = total = 0
    for row in range(pred.shape[0]):
        for pos in range(pred.shape[1]):
            hits += int(pred[row, pos] == gold[row, pos])
            total += 1
    return hits / total


print(f"accuracy {token_accuracy(pred, gold):.2f}")
