"""NLI cross-encoder: premise and hypothesis token ids are joined and read by one GRU."""
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)
LABELS = ["entailment", "neutral", "contradiction"]
pairs = [
    ("a man is playing a guitar", "a person plays music", "entailment"),
    ("a dog runs in the park", "a cat sleeps", "contradiction"),
    ("two kids are eating", "children eat lunch", "neutral"),
    ("a woman reads a book", "nobody is reading", "contradiction"),
]
vocab = {"<pad>": 0}
for p, h, _ in pairs:
    for w in (p + " " + h).split():
        vocab.setdefault(w, len(vocab))


def ids(texts, width):
    rows = [[vocab[w] for w in t.split()][:width] for t in texts]
    return torch.tensor([r + [0] * (width - len(r)) for r in rows])


premise = ids([p for p, _, _ in pairs], 8)
hypothesis = ids([h for _, h, _ in pairs], 8)
y = torch.tensor([LABELS.index(l) for _, _, l in pairs])

emb = nn.Embedding(len(vocab), 32, padding_idx=0)
gru = nn.GRU(32, 32, batch_first=True)
head = nn.Linear(32, len(LABELS))
opt = torch.optim.Adam([*emb.parameters(), *gru.parameters(), *head.parameters()], lr=1e-2)

for step in range(5):
    x = torch.cat([premise, hypothesis], dim=1)
    _, h_n = gru(emb(x))
    logits = head(h_n[-1])
    loss = F.cross_entropy(logits, y)
    opt.zero_grad()
    loss.backward()
    opt.step()
print(f"loss {loss.item():.3f}")
