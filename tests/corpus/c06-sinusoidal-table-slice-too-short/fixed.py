"""Feature extraction for a keyword-spotting baseline.

Adds fixed sinusoidal positions to token embeddings and returns per-token features.
"""
import math

import torch

torch.manual_seed(0)
DIM = 16
CLS_ID, SEP_ID = 1, 2


def sinusoidal_table(n_positions, dim):
    pos = torch.arange(n_positions).unsqueeze(1).float()
    div = torch.exp(torch.arange(0, dim, 2).float() * (-math.log(10000.0) / dim))
    table = torch.zeros(n_positions, dim)
    table[:, 0::2] = torch.sin(pos * div)
    table[:, 1::2] = torch.cos(pos * div)
    return table


POSITIONS = sinusoidal_table(50, DIM)
EMBEDDINGS = torch.randn(1000, DIM) * 0.1


def add_special_tokens(token_ids):
    return [CLS_ID] + token_ids + [SEP_ID]


def token_features(token_ids):
    ids = torch.tensor(add_special_tokens(token_ids[: 50 - 2]))
    x = EMBEDDINGS[ids]
    seq_len = x.size(0)
    return x + POSITIONS[:seq_len]


if __name__ == "__main__":
    short_doc = torch.randint(3, 1000, (20,)).tolist()
    long_doc = torch.randint(3, 1000, (71,)).tolist()
    feats = [token_features(doc) for doc in (short_doc, long_doc)]
    print("feature shapes:", [tuple(f.shape) for f in feats])
