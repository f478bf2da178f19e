"""Review rating classifier: predict 1-5 stars from bag-of-embeddings text features.

Reviews come from a CSV export where the rating column holds the star count.
"""
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, TensorDataset

torch.manual_seed(0)
NUM_CLASSES = 5
VOCAB_SIZE = 200

reviews = torch.randint(1, VOCAB_SIZE, (32, 20))
stars = torch.tensor([1, 2, 3, 4, 5, 4, 3, 2] * 4)
labels = stars


class BagOfEmbeddings(nn.Module):
    def __init__(self):
        super().__init__()
        self.embed = nn.EmbeddingBag(VOCAB_SIZE, 64, mode="mean")
        self.classifier = nn.Linear(64, NUM_CLASSES)

    def forward(self, token_ids):
        return self.classifier(self.embed(token_ids))


model = BagOfEmbeddings()
optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
criterion = nn.CrossEntropyLoss()
loader = DataLoader(TensorDataset(reviews, labels), batch_size=8, shuffle=False)

for epoch in range(2):
    for token_ids, batch_labels in loader:
        logits = model(token_ids)
        loss = criterion(logits, batch_labels)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
