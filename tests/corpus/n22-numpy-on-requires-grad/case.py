"""Multi-label genre tagging of movie plots; log per-epoch micro-F1 computed with numpy."""
import numpy as np
import torch
import torch.nn as nn

torch.manual_seed(0)
NUM_GENRES = 6


def micro_f1(probs, targets, threshold=0.5):
    preds = probs >= threshold
    tp = np.logical_and(preds, targets == 1).sum()
    return 2 * tp / max(preds.sum() + (targets == 1).sum(), 1)


class PlotTagger(nn.Module):
    def __init__(self, vocab_size=4000, dim=64):
        super().__init__()
        self.bag = nn.EmbeddingBag(vocab_size, dim)
        self.out = nn.Linear(dim, NUM_GENRES)

    def forward(self, ids):
        return self.out(self.bag(ids))


model = PlotTagger()
optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
plots = torch.randint(0, 4000, (32, 40))
genres = torch.randint(0, 2, (32, NUM_GENRES)).float()
for epoch in range(3):
    logits = model(plots)
    loss = nn.functional.binary_cross_entropy_with_logits(logits, genres)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    f1 = micro_f1(torch.sigmoid(logits).numpy(), genres.numpy())
