import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

torch.manual_seed(0)

KEYWORDS = ["yes", "no", "up", "down", "stop", "go"]
N_MFCC = 13
N_FRAMES = 40
BATCH_SIZE = 32


def synth_clips(n):
    labels = torch.randint(0, len(KEYWORDS), (n,))
    t = torch.linspace(0, 1, N_FRAMES)
    bands = torch.arange(N_MFCC).float()[:, None]
    clips = torch.stack([torch.sin(2 * torch.pi * (k + 1) * t * (1 + bands / N_MFCC)) for k in labels.tolist()])
    return clips + 0.3 * torch.randn_like(clips), labels


class KeywordSpotter(nn.Module):
    def __init__(self, channels=16):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv1d(N_MFCC, channels, kernel_size=5, padding=2), nn.BatchNorm1d(channels), nn.ReLU(),
            nn.MaxPool1d(2),
            nn.Conv1d(channels, channels, kernel_size=3, padding=1), nn.ReLU(),
            nn.MaxPool1d(2),
        )
        self.classifier = nn.Linear(channels * (N_FRAMES // 4), len(KEYWORDS))

    def forward(self, mfcc):
        x = self.features(mfcc)
        x = x.view(x.size(0), -1)
        return self.classifier(x)


train_x, train_y = synth_clips(300)
loader = DataLoader(TensorDataset(train_x, train_y), batch_size=BATCH_SIZE, shuffle=True)
model = KeywordSpotter()
optimizer = torch.optim.Adam(model.parameters(), lr=3e-3)

for epoch in range(3):
    model.train()
    hits = 0
    for clips, labels in loader:
        logits = model(clips)
        loss = nn.functional.cross_entropy(logits, labels)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        hits += (logits.argmax(1) == labels).sum().item()
    print(f"epoch {epoch}: loss {loss.item():.3f} train acc {hits / len(train_y):.2f}")
