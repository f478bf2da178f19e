"""Batch retrieval: for each batch of queries, find the best-matching document id by dot product."""
import torch
import torch.nn as nn

torch.manual_seed(3)
docs = [{"id": 101, "title": "reset your password"}, {"id": 102, "title": "track an order"},
        {"id": 205, "title": "cancel a subscription"}, {"id": 311, "title": "update billing details"},
        {"id": 412, "title": "contact support"}, {"id": 518, "title": "delete your account"}]
queries = ["forgot my password", "where is my package", "stop my plan", "new credit card"]

words = sorted({w for d in docs for w in d["title"].split()} | {w for q in queries for w in q.split()})
word_id = {w: i for i, w in enumerate(words)}
embed = nn.EmbeddingBag(len(words), 16, mode="mean")


def encode(texts):
    ids = [torch.tensor([word_id[w] for w in t.split()]) for t in texts]
    offsets = torch.tensor([0] + [len(x) for x in ids[:-1]]).cumsum(0)
    return embed(torch.cat(ids), offsets)


doc_ids = torch.tensor([d["id"] for d in docs])
with torch.no_grad():
    doc_emb = encode([d["title"] for d in docs])
    for start in range(0, len(queries), 2):
        sims = encode(queries[start:start + 2]) @ doc_emb.T
        best = sims.argmax(dim=1)
        print(queries[start:start + 2], "->", doc_ids[best].tolist())
