"""Token-level evaluation: tag predictions of every batch collected, then concatenated for scoring."""
import torch
import torch.nn as nn
from torch.nn.utils.rnn import pad_sequence
from torch.utils.data import DataLoader


def collate(rows):
    return pad_sequence([torch.tensor(r) for r in rows], batch_first=True)


def evaluate(model, loader):
    model.eval()
    outs = []
    with torch.no_grad():
        for ids in loader:
            outs.append(model(ids).argmax(-1))
    return torch.cat([torch.nn.functional.pad(t, (0, max(x.size(1) for x in outs) - t.size(1))) for t in outs])


sentences = [[3, 4, 5], [6, 7], [8, 9, 10, 11, 12], [13, 14, 15, 16]]
model = nn.Sequential(nn.Embedding(20, 8), nn.Linear(8, 5))
preds = evaluate(model, DataLoader(sentences, batch_size=2, collate_fn=collate))
print(preds.shape)
