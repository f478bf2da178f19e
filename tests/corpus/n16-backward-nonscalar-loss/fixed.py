"""Domain-weighted sentence classification: per-example losses are reweighted by source domain."""
import torch
import torch.nn as nn

torch.manual_seed(0)
DOMAIN_WEIGHTS = torch.tensor([1.0, 0.5, 2.0])  # news, forums, clinical


class BagClassifier(nn.Module):
    def __init__(self, vocab_size=800, dim=32, num_labels=4):
        super().__init__()
        self.bag = nn.EmbeddingBag(vocab_size, dim)
        self.mlp = nn.Sequential(nn.Linear(dim, dim), nn.ReLU(), nn.Linear(dim, num_labels))

    def forward(self, ids):
        return self.mlp(self.bag(ids))


model = BagClassifier()
optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
criterion = nn.CrossEntropyLoss(reduction="none")

for step in range(3):
    ids = torch.randint(0, 800, (8, 16))
    labels = torch.randint(0, 4, (8,))
    domains = torch.randint(0, 3, (8,))
    per_example = criterion(model(ids), labels)
    loss = (per_example * DOMAIN_WEIGHTS[domains]).mean()
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
