import random

import torch
from torch import nn
from torch.nn.utils.rnn import pad_sequence

random.seed(0)
torch.manual_seed(0)

VOCAB_SIZE = 500
PAD = 0


class ReviewDataset(torch.utils.data.Dataset):
    def __init__(self, n):
        self.items = []
        for _ in range(n):
            words = torch.randint(1, VOCAB_SIZE, (random.randint(8, 40),))
            past_votes = torch.rand(random.randint(1, 12))
            helpful = 0.6 * past_votes.mean() + 0.01 * len(words) + 0.05 * torch.randn(())
            self.items.append({"words": words, "past_votes": past_votes, "helpful": helpful})

    def __len__(self):
        return len(self.items)

    def __getitem__(self, i):
        return self.items[i]


def collate_reviews(batch):
    words = pad_sequence([b["words"] for b in batch], batch_first=True, padding_value=PAD)
    past_votes = pad_sequence([b["past_votes"] for b in batch], batch_first=True)
    helpful = torch.stack([b["helpful"] for b in batch])
    return words, past_votes, helpful


class HelpfulnessRegressor(nn.Module):
    def __init__(self, dim=32):
        super().__init__()
        self.emb = nn.EmbeddingBag(VOCAB_SIZE, dim, mode="mean", padding_idx=PAD)
        self.out = nn.Sequential(nn.Linear(dim + 2, 32), nn.ReLU(), nn.Linear(32, 1))

    def forward(self, words, past_votes):
        text = self.emb(words)
        has_vote = (past_votes > 0).float()
        vote_mean = past_votes.sum(1) / has_vote.sum(1).clamp(min=1)
        vote_count = has_vote.sum(1) / 12
        return self.out(torch.cat([text, vote_mean[:, None], vote_count[:, None]], dim=1)).squeeze(1)


loader = torch.utils.data.DataLoader(ReviewDataset(400), batch_size=32, shuffle=True,
                                     collate_fn=collate_reviews)
model = HelpfulnessRegressor()
optimizer = torch.optim.Adam(model.parameters(), lr=3e-3)

for epoch in range(4):
    total = 0.0
    for words, past_votes, helpful in loader:
        loss = nn.functional.mse_loss(model(words, past_votes), helpful)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        total += loss.item() * len(helpful)
    print(f"epoch {epoch}: mse {total / len(loader.dataset):.4f}")
