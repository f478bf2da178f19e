"""Gradient-x-input saliency for a toy sentiment model; report the most salient words."""
import torch
import torch.nn as nn

torch.manual_seed(0)
CLS, SEP = 101, 102
ID2WORD = {7: "the", 19: "service", 23: "was", 31: "painfully", 42: "slow", 55: "but", 60: "friendly"}


def word_saliency(model, word_ids):
    emb = model[0](torch.tensor(word_ids)).detach().requires_grad_(True)
    score = model[2](model[1](emb).mean(0))[1]
    score.backward()
    return (emb.grad * emb.detach()).sum(-1).abs()


def top_words(token_ids, saliency, k=3):
    scored = []
    for i in range(len(token_ids)):
        if token_ids[i] in (CLS, SEP):
            continue
        scored.append((float(saliency[i]), ID2WORD.get(token_ids[i], "[UNK]")))
    return sorted(scored, reverse=True)[:k]


model = nn.Sequential(nn.Embedding(128, 16), nn.Tanh(), nn.Linear(16, 2))
words = [7, 19, 23, 31, 42, 55, 60]
token_ids = [CLS] + words + [SEP]
saliency = word_saliency(model, token_ids)
print(top_words(token_ids, saliency))
