"""Keyword extraction for search snippets: the first content word of each query seeds the embedding lookup."""
import torch
import torch.nn as nn

torch.manual_seed(0)
STOPWORDS = {"the", "a", "an", "of", "to", "is", "it", "what", "how", "and", "in"}
queries = ["how to reset a router", "price of the iphone", "what is it", "weather in lisbon"]
vocab = {w: i for i, w in enumerate(sorted({w for q in queries for w in q.split()}))}
embedding = nn.Embedding(len(vocab), 8)


def head_word(query):
    content = [w for w in query.split() if w not in STOPWORDS]
    return content[0] if content else query.split()[-1]


heads = [head_word(q) for q in queries]
ids = torch.tensor([vocab[w] for w in heads])
vectors = embedding(ids)
print(heads, tuple(vectors.shape))
