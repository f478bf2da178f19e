"""SBERT-style NLI training: encode premise and hypothesis separately, classify (u, v, |u - v|)."""
import torch
import torch.nn as nn

torch.manual_seed(0)
HIDDEN_SIZE = 64
NUM_LABELS = 3  # entailment, neutral, contradiction


class MeanPoolEncoder(nn.Module):
    def __init__(self, vocab_size=400):
        super().__init__()
        self.embed = nn.Embedding(vocab_size, HIDDEN_SIZE, padding_idx=0)
        self.ff = nn.Sequential(nn.Linear(HIDDEN_SIZE, HIDDEN_SIZE), nn.Tanh())

    def forward(self, ids):
        mask = (ids != 0).unsqueeze(-1).float()
        return self.ff((self.embed(ids) * mask).sum(1) / mask.sum(1).clamp(min=1))


class SiameseNLI(nn.Module):
    def __init__(self):
        super().__init__()
        self.encoder = MeanPoolEncoder()
        self.classifier = nn.Linear(3 * HIDDEN_SIZE, NUM_LABELS)

    def forward(self, premise_ids, hypothesis_ids):
        u = self.encoder(premise_ids)
        v = self.encoder(hypothesis_ids)
        features = torch.cat([u, v, torch.abs(u - v)], dim=-1)
        return self.classifier(features)


model = SiameseNLI()
optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
for step in range(5):
    premise = torch.randint(1, 400, (8, 18))
    hypothesis = torch.randint(1, 400, (8, 10))
    labels = torch.randint(0, NUM_LABELS, (8,))
    loss = nn.functional.cross_entropy(model(premise, hypothesis), labels)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
