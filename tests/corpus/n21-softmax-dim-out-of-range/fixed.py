"""Predict label probabilities for a batch of news snippets (sequence-level classifier)."""
import torch
import torch.nn as nn

torch.manual_seed(0)
LABELS = ["world", "sports", "business", "sci_tech"]


class NewsClassifier(nn.Module):
    def __init__(self, vocab_size=3000, dim=64):
        super().__init__()
        self.embed = nn.Embedding(vocab_size, dim, padding_idx=0)
        self.encoder = nn.GRU(dim, dim, batch_first=True, bidirectional=True)
        self.head = nn.Linear(2 * dim, len(LABELS))

    def forward(self, ids):
        _, h = self.encoder(self.embed(ids))
        return self.head(torch.cat([h[0], h[1]], dim=-1))


@torch.no_grad()
def predict_proba(model, ids):
    model.eval()
    logits = model(ids)
    probs = torch.softmax(logits, dim=-1)
    top_p, top_i = probs.max(dim=-1)
    return [(LABELS[i], round(p, 3)) for p, i in zip(top_p.tolist(), top_i.tolist())]


model = NewsClassifier()
snippets = torch.randint(1, 3000, (5, 18))
predictions = predict_proba(model, snippets)
