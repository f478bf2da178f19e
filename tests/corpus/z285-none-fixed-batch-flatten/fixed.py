import math

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, TensorDataset

torch.manual_seed(7)

KEYWORDS = ["yes", "no", "up", "down", "stop"]
N_MELS, N_FRAMES = 16, 16
BATCH_SIZE = 16
EPOCHS = 3


def fake_spectrograms(n):
    """Toy log-mel patches: each keyword has its own formant band and onset."""
    specs = torch.randn(n, 1, N_MELS, N_FRAMES) * 0.3
    kws = torch.randint(0, len(KEYWORDS), (n,))
    for i, k in enumerate(kws.tolist()):
        band = 2 + 2 * k
        onset = 1 + k
        specs[i, 0, band:band + 3, onset:onset + 8] += 2.0
    return specs, kws


class KeywordCNN(nn.Module):
    def __init__(self, n_classes):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 4, kernel_size=3, padding=1)
        self.conv2 = nn.Conv2d(4, 8, kernel_size=3, padding=1)
        self.bn1 = nn.BatchNorm2d(4)
        self.bn2 = nn.BatchNorm2d(8)
        flat = 8 * (N_MELS // 4) * (N_FRAMES // 4)
        self.head = nn.Linear(flat, n_classes)

    def forward(self, spec):
        x = F.max_pool2d(F.relu(self.bn1(self.conv1(spec))), 2)
        x = F.max_pool2d(F.relu(self.bn2(self.conv2(x))), 2)
        x = x.view(x.size(0), -1)
        return self.head(x)


def run_epoch(model, loader, optimizer=None):
    training = optimizer is not None
    model.train(training)
    seen, correct, total_loss = 0, 0, 0.0
    with torch.set_grad_enabled(training):
        for spec, kw in loader:
            logits = model(spec)
            loss = F.cross_entropy(logits, kw)
            if training:
                optimizer.zero_grad()
                loss.backward()
                optimizer.step()
            total_loss += loss.item() * kw.size(0)
            correct += (logits.argmax(1) == kw).sum().item()
            seen += kw.size(0)
    return total_loss / seen, correct / seen


train_x, train_y = fake_spectrograms(100)
test_x, test_y = fake_spectrograms(40)
train_loader = DataLoader(TensorDataset(train_x, train_y), batch_size=BATCH_SIZE, shuffle=True)
test_loader = DataLoader(TensorDataset(test_x, test_y), batch_size=BATCH_SIZE)
print(f"{math.ceil(len(train_x) / BATCH_SIZE)} train batches per epoch")

model = KeywordCNN(len(KEYWORDS))
optimizer = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
for epoch in range(EPOCHS):
    tr_loss, tr_acc = run_epoch(model, train_loader, optimizer)
    te_loss, te_acc = run_epoch(model, test_loader)
    print(f"epoch {epoch}: train {tr_loss:.3f}/{tr_acc:.2f}  test {te_loss:.3f}/{te_acc:.2f}")
