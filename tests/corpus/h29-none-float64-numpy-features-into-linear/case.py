"""Readability regression head on hand-crafted features computed with numpy."""
import numpy as np
import torch
import torch.nn as nn

torch.manual_seed(0)
texts = ["The cat sat.", "Notwithstanding the aforementioned considerations, the committee deliberated.",
         "I like tea.", "Photosynthesis converts electromagnetic radiation into chemical energy."]
scores = torch.tensor([[1.0], [4.5], [1.0], [4.0]])


def features(text):
    words = text.split()
    return np.array([len(words), np.mean([len(w) for w in words]), sum(c in ",;:" for c in text)])


X = torch.from_numpy(np.stack([features(t) for t in texts]))
regressor = nn.Sequential(nn.Linear(3, 16), nn.ReLU(), nn.Linear(16, 1))
optimizer = torch.optim.Adam(regressor.parameters(), lr=0.01)
for step in range(50):
    loss = nn.functional.mse_loss(regressor(X), scores)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
print(f"mse {loss.item():.3f}")
