"""Imbalanced intent classification: inverse-frequency class weights from the training split."""
import numpy as np
import torch
import torch.nn as nn

torch.manual_seed(0)
INTENTS = ["faq", "complaint", "cancel"]
y_all = np.array([0, 0, 0, 0, 1, 1, 0, 2, 0, 1])
x_all = torch.randn(len(y_all), 16)
train_idx, dev_idx = np.arange(7), np.arange(7, 10)  # "cancel" only occurs in the dev part

counts = np.bincount(y_all[train_idx])
class_weights = torch.tensor(counts.sum() / (len(counts) * counts), dtype=torch.float32)
criterion = nn.CrossEntropyLoss(weight=class_weights)

model = nn.Linear(16, len(INTENTS))
optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
for epoch in range(5):
    loss = criterion(model(x_all[train_idx]), torch.from_numpy(y_all[train_idx]))
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
print(f"loss {loss.item():.3f}")
