"""Nearest passage for each question with mean-pooled random embeddings (a retrieval smoke test)."""
import torch
import torch.nn.functional as F

torch.manual_seed(0)
passages = ["the eiffel tower is in paris", "water boils at 100 degrees"]
questions = ["where is the eiffel tower", "when does water boil", "what is in paris", "how hot is boiling water",
             "is the tower tall"]
vocab = {w: i for i, w in enumerate(sorted({w for t in passages + questions for w in t.split()}))}
table = torch.randn(len(vocab), 16)


def embed(texts):
    return F.normalize(torch.stack([table[[vocab[w] for w in t.split()]].mean(0) for t in texts]), dim=-1)


sim = (embed(passages) @ embed(questions).T).T
for qi, question in enumerate(questions):
    best = int(sim[qi].argmax())
    print(f"{question!r} -> {passages[best]!r}")
