"""Binary clickbait detector: mean-pooled embeddings -> sigmoid probability, trained with BCELoss."""
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, TensorDataset

torch.manual_seed(0)


class ClickbaitDetector(nn.Module):
    def __init__(self, vocab_size=1500, dim=32):
        super().__init__()
        self.embed = nn.EmbeddingBag(vocab_size, dim, mode="mean")
        self.fc = nn.Linear(dim, 1)

    def forward(self, ids):
        return torch.sigmoid(self.fc(self.embed(ids))).squeeze(-1)


headlines = torch.randint(0, 1500, (40, 12))
is_clickbait = torch.randint(0, 2, (40,))
loader = DataLoader(TensorDataset(headlines, is_clickbait), batch_size=10, shuffle=True)

model = ClickbaitDetector()
criterion = nn.BCELoss()
optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
for epoch in range(2):
    for ids, labels in loader:
        probs = model(ids)
        loss = criterion(probs, labels.float())
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
