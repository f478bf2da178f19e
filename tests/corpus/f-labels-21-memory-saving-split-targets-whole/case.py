"""Linear probe on frozen sentence embeddings; the probe runs on slices of the batch to keep memory low."""
import torch
import torch.nn as nn

torch.manual_seed(3)
EMB, CLASSES, BATCH, SLICE = 24, 4, 12, 4

embeddings = torch.randn(48, EMB)
intent = torch.randint(0, CLASSES, (48,))
probe = nn.Linear(EMB, CLASSES)
criterion = nn.CrossEntropyLoss()
opt = torch.optim.SGD(probe.parameters(), lr=0.5)

for epoch in range(3):
    correct = 0
    for i in range(0, len(embeddings), BATCH):
        x, targets = embeddings[i:i + BATCH], intent[i:i + BATCH]
        opt.zero_grad()
        for part in torch.split(x, SLICE, dim=0):
            scores = probe(part)
            loss = criterion(scores, targets)
            correct += (scores.argmax(-1) == targets).sum().item()
            loss.backward()
        opt.step()
    print(epoch, correct / len(embeddings))
