"""Max-pooled sentence features from a GRU over word ids; the first state (a start symbol) is skipped."""
import torch
import torch.nn as nn

torch.manual_seed(0)
PAD, START = 0, 1


def pooled_features(gru, table, ids):
    keep = ids != PAD
    hidden, _ = gru(table(ids))
    tok = hidden[:, 1:]  # the start symbol carries no content
    keep = keep[:, 1:]
    return tok.masked_fill(~keep[..., None], -1e4).max(1).values


table = nn.Embedding(20, 6, padding_idx=PAD)
gru = nn.GRU(6, 6, batch_first=True)
batch = torch.tensor([[START, 5, 9, 3, 7, 2], [START, 4, 8, PAD, PAD, PAD]])
print(pooled_features(gru, table, batch).shape)
