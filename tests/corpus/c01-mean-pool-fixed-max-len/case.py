"""Sentence embeddings by masked mean pooling over a toy encoder's hidden states.

Used to build a small semantic-search index for FAQ entries.
"""
import torch
import torch.nn as nn

torch.manual_seed(0)

MAX_LEN = 32
HIDDEN = 48
VOCAB = 500


def build_padding_mask(lengths):
    """1 for real tokens, 0 for padding."""
    positions = torch.arange(MAX_LEN).unsqueeze(0)
    return (positions < lengths.unsqueeze(1)).float()


def mean_pool(hidden, mask):
    summed = (hidden * mask.unsqueeze(-1)).sum(dim=1)
    counts = mask.sum(dim=1, keepdim=True).clamp(min=1.0)
    return summed / counts


def embed_faq(token_lists, encoder):
    lengths = torch.tensor([len(t) for t in token_lists])
    longest = int(lengths.max())
    ids = torch.zeros(len(token_lists), longest, dtype=torch.long)
    for row, toks in enumerate(token_lists):
        ids[row, : len(toks)] = torch.tensor(toks)
    hidden = encoder(ids)
    mask = build_padding_mask(lengths)
    return mean_pool(hidden, mask)


if __name__ == "__main__":
    encoder = nn.Sequential(nn.Embedding(VOCAB, HIDDEN), nn.Linear(HIDDEN, HIDDEN), nn.Tanh())
    faq = [torch.randint(1, VOCAB, (n,)).tolist() for n in (12, 20, 7, 15)]
    with torch.no_grad():
        vectors = embed_faq(faq, encoder)
    vectors = nn.functional.normalize(vectors, dim=-1)
    sims = vectors @ vectors.T
    print("index built:", tuple(vectors.shape), "max off-diag sim", round(float(sims.fill_diagonal_(0).max()), 3))
