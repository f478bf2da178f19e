"""Evaluate a small bird-call classifier on pre-extracted spectrogram features."""
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import Dataset, DataLoader

torch.manual_seed(7)

CALL_TYPES = ["song", "alarm", "contact", "begging"]
N_MELS = 16


class CallClips(Dataset):
    def __init__(self, n_clips):
        g = torch.Generator().manual_seed(11)
        self.feats = torch.randn(n_clips, N_MELS, generator=g)
        self.labels = torch.randint(0, len(CALL_TYPES), (n_clips,), generator=g)

    def __len__(self):
        return len(self.labels)

    def __getitem__(self, idx):
        return self.feats[idx], self.labels[idx]


class CallNet(nn.Module):
    def __init__(self, n_in, n_classes, hidden=32):
        super().__init__()
        self.body = nn.Sequential(nn.Linear(n_in, hidden), nn.ReLU(), nn.Linear(hidden, n_classes))

    def forward(self, x):
        return self.body(x)


class ScoreKeeper:
    """Collects per-batch class probabilities during evaluation."""

    def __init__(self):
        self.rows = []

    def add(self, batch_scores):
        self.rows.append(batch_scores.detach())

    def summary(self, all_targets):
        all_scores = torch.stack(self.rows)
        preds = all_scores.argmax(dim=-1).reshape(-1)
        acc = (preds == all_targets).float().mean().item()
        mean_conf = all_scores.max(dim=-1).values.mean().item()
        return {"n": all_targets.numel(), "accuracy": acc, "mean_confidence": mean_conf}


def evaluate(model, loader):
    keeper = ScoreKeeper()
    labels = []
    model.eval()
    with torch.no_grad():
        for step, (x, y) in enumerate(loader):
            probs = F.softmax(model(x), dim=-1)
            keeper.add(probs)
            labels.extend(y.tolist())
            print(f"batch {step}: {tuple(probs.shape)}")
    return keeper.summary(torch.tensor(labels))


def main():
    val_set = CallClips(10)
    loader = DataLoader(val_set, batch_size=4, shuffle=False)
    model = CallNet(N_MELS, len(CALL_TYPES))
    print(f"validation clips: {len(val_set)}, classes: {CALL_TYPES}")
    stats = evaluate(model, loader)
    print(f"clips={stats['n']} acc={stats['accuracy']:.3f} conf={stats['mean_confidence']:.3f}")


if __name__ == "__main__":
    main()
