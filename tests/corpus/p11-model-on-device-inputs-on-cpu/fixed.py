"""Train an MLP probe on cached sentence embeddings (exported once from the encoder)."""
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, TensorDataset

torch.manual_seed(0)
DEVICE = torch.device("cuda" if torch.cuda.is_available() else "meta")
EMBED_DIM = 96
NUM_TOPICS = 6


def load_cached_embeddings(n=64):
    features = torch.randn(n, EMBED_DIM)
    topics = torch.randint(0, NUM_TOPICS, (n,))
    return TensorDataset(features, topics)


probe = nn.Sequential(
    nn.Linear(EMBED_DIM, 128),
    nn.GELU(),
    nn.Dropout(0.1),
    nn.Linear(128, NUM_TOPICS),
).to(DEVICE)
optimizer = torch.optim.AdamW(probe.parameters(), lr=3e-4)
criterion = nn.CrossEntropyLoss()
loader = DataLoader(load_cached_embeddings(), batch_size=16, shuffle=True)

for epoch in range(3):
    probe.train()
    for features, topics in loader:
        features, topics = features.to(DEVICE), topics.to(DEVICE)
        logits = probe(features)
        loss = criterion(logits, topics)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
