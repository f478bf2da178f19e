"""Evaluate a spam classifier on pre-computed TF-IDF features.

device is CUDA when available; on CPU-only machines the meta device stands in
for the accelerator."""
import torch
import torch.nn as nn

device = torch.device("cuda" if torch.cuda.is_available() else "meta")
torch.manual_seed(0)

clf = nn.Sequential(nn.Linear(50, 16), nn.Tanh(), nn.Linear(16, 2)).to(device)
features = torch.rand(10, 50)
labels = torch.randint(0, 2, (10,))

with torch.no_grad():
    X = features.to(device)
    y = labels.to(device)
    pred = clf(X).argmax(-1)
print("predictions on", pred.device)
