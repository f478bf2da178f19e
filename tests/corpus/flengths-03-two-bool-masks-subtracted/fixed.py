"""Masked-LM candidate positions: real tokens that are not special tokens."""
import torch

CLS, SEP, PAD = 101, 102, 0


def candidates(input_ids):
    real = input_ids != PAD
    special = (input_ids == CLS) | (input_ids == SEP)
    return real & ~special


def choose(input_ids, rate=0.5):
    cand = candidates(input_ids)
    pick = torch.rand(input_ids.shape, generator=torch.Generator().manual_seed(1)) < rate
    return cand & pick


input_ids = torch.tensor([[101, 7, 8, 9, 102, 0], [101, 11, 12, 102, 0, 0]])
print(choose(input_ids).sum().item())
