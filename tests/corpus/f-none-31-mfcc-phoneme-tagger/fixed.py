import math
import torch
import torch.nn as nn
from torch.utils.data import Dataset, DataLoader

N_MFCC = 13
N_PHONEMES = 40
FRAMES_PER_CLIP = 120
HIDDEN_CHANNELS = 64


class SyntheticMfccClips(Dataset):
    def __init__(self, n_clips, seed=0):
        g = torch.Generator().manual_seed(seed)
        t = torch.linspace(0, 4 * math.pi, FRAMES_PER_CLIP)
        base = torch.stack([torch.sin(t * (k + 1) / 3) for k in range(N_MFCC)], dim=-1)
        self.features = base.unsqueeze(0) + 0.3 * torch.randn(n_clips, FRAMES_PER_CLIP, N_MFCC, generator=g)
        self.alignments = torch.randint(0, N_PHONEMES, (n_clips, FRAMES_PER_CLIP), generator=g)

    def __len__(self):
        return self.features.shape[0]

    def __getitem__(self, idx):
        return self.features[idx], self.alignments[idx]


class FramePhonemeTagger(nn.Module):
    def __init__(self, n_features, channels, n_classes, kernel=5):
        super().__init__()
        self.input_norm = nn.LayerNorm(n_features)
        self.conv_stack = nn.Sequential(
            nn.Conv1d(n_features, channels, kernel, padding=kernel // 2),
            nn.ReLU(),
            nn.Dropout(0.1),
            nn.Conv1d(channels, channels, kernel, padding=kernel // 2),
            nn.ReLU(),
        )
        self.frame_classifier = nn.Linear(channels, n_classes)

    def forward(self, mfcc):
        x = self.input_norm(mfcc)
        x = x.transpose(1, 2)
        h = self.conv_stack(x)
        return self.frame_classifier(h.transpose(1, 2))


def train_one_epoch(model, loader, optimizer, loss_fn):
    model.train()
    running = 0.0
    for step, (mfcc, phones) in enumerate(loader):
        optimizer.zero_grad()
        logits = model(mfcc)
        loss = loss_fn(logits.reshape(-1, N_PHONEMES), phones.reshape(-1))
        loss.backward()
        optimizer.step()
        running += loss.item()
        if step % 5 == 0:
            print(f"  step {step:3d}  frame-loss {loss.item():.4f}")
    return running / len(loader)


@torch.no_grad()
def frame_accuracy(model, loader):
    model.eval()
    correct, total = 0, 0
    for mfcc, phones in loader:
        pred = model(mfcc).argmax(dim=-1)
        correct += (pred == phones).sum().item()
        total += phones.numel()
    return correct / total


def main():
    torch.manual_seed(7)
    train_set = SyntheticMfccClips(96, seed=1)
    dev_set = SyntheticMfccClips(32, seed=2)
    train_loader = DataLoader(train_set, batch_size=16, shuffle=True)
    dev_loader = DataLoader(dev_set, batch_size=16)

    model = FramePhonemeTagger(N_MFCC, HIDDEN_CHANNELS, N_PHONEMES)
    optimizer = torch.optim.AdamW(model.parameters(), lr=2e-3)
    loss_fn = nn.CrossEntropyLoss()

    for epoch in range(2):
        avg = train_one_epoch(model, train_loader, optimizer, loss_fn)
        acc = frame_accuracy(model, dev_loader)
        print(f"epoch {epoch}: train loss {avg:.4f}, dev frame acc {acc:.3f}")


if __name__ == "__main__":
    main()
