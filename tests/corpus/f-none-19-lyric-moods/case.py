import random

import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

torch.manual_seed(0)

MOODS = ["upbeat", "melancholy", "angry"]
VOCAB_SIZE = 500
MAX_LEN = 20
EMBED_DIM = 64
PAD_ID = 0


def random_lyrics(n, seed=0):
    rng = random.Random(seed)
    ids = torch.zeros(n, MAX_LEN, dtype=torch.long)
    for row in range(n):
        length = rng.randint(6, MAX_LEN)
        ids[row, :length] = torch.tensor([rng.randint(1, VOCAB_SIZE - 1) for _ in range(length)])
    moods = torch.tensor([rng.randrange(len(MOODS)) for _ in range(n)])
    return TensorDataset(ids, moods)


def pool_tokens(hidden, mask):
    weights = mask.unsqueeze(-1).to(hidden.dtype)
    summed = (hidden * weights).sum(dim=-1)
    return summed / mask.sum(dim=1, keepdim=True).clamp(min=1)


class LyricMoodClassifier(nn.Module):
    def __init__(self):
        super().__init__()
        self.embed = nn.Embedding(VOCAB_SIZE, EMBED_DIM, padding_idx=PAD_ID)
        self.position = nn.Parameter(torch.zeros(1, MAX_LEN, EMBED_DIM))
        layer = nn.TransformerEncoderLayer(EMBED_DIM, nhead=4, dim_feedforward=128, batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, num_layers=1)
        self.drop = nn.Dropout(0.1)
        self.classifier = nn.Linear(EMBED_DIM, len(MOODS))

    def forward(self, ids):
        mask = ids != PAD_ID
        hidden = self.encoder(self.embed(ids) + self.position, src_key_padding_mask=~mask)
        vec = pool_tokens(hidden, mask)
        return self.classifier(self.drop(vec))


model = LyricMoodClassifier()
loader = DataLoader(random_lyrics(128), batch_size=32, shuffle=True)
optimizer = torch.optim.AdamW(model.parameters(), lr=1e-3)
loss_fn = nn.CrossEntropyLoss()

for epoch in range(2):
    total = 0.0
    for ids, moods in loader:
        logits = model(ids)
        loss = loss_fn(logits, moods)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        total += loss.item()
    print(f"epoch {epoch}: loss {total / len(loader):.4f}")
