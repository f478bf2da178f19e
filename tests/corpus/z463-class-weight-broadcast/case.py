import argparse
from collections import Counter

import torch
import torch.nn as nn
import torch.nn.functional as F
from accelerate import Accelerator
from accelerate.utils import set_seed
from torch.utils.data import DataLoader, Dataset


def parse_args():
    p = argparse.ArgumentParser(description="sensor activity classifier")
    p.add_argument("--num-classes", type=int, default=5)
    p.add_argument("--window", type=int, default=20)
    p.add_argument("--channels", type=int, default=6)
    p.add_argument("--batch-size", type=int, default=16)
    p.add_argument("--epochs", type=int, default=3)
    p.add_argument("--lr", type=float, default=1e-3)
    p.add_argument("--seed", type=int, default=7)
    return p.parse_args()


class ActivityWindows(Dataset):
    """Synthetic accelerometer/gyro windows; class k has a bump on channel k."""

    def __init__(self, n, window, channels, num_classes, generator):
        probs = torch.tensor([0.45, 0.25, 0.15, 0.1, 0.05])[:num_classes]
        self.labels = torch.multinomial(probs, n, replacement=True, generator=generator)
        self.x = torch.randn(n, channels, window, generator=generator) * 0.5
        for i, y in enumerate(self.labels.tolist()):
            self.x[i, y % channels] += 1.0

    def __len__(self):
        return len(self.labels)

    def __getitem__(self, i):
        return {"signal": self.x[i], "label": self.labels[i]}


class ConvNet(nn.Module):
    def __init__(self, channels, num_classes, width=32):
        super().__init__()
        self.conv1 = nn.Conv1d(channels, width, kernel_size=5, padding=2)
        self.conv2 = nn.Conv1d(width, width, kernel_size=3, padding=1)
        self.head = nn.Linear(width, num_classes)

    def forward(self, signal):
        h = F.gelu(self.conv1(signal))
        h = F.gelu(self.conv2(h))
        return self.head(h.mean(dim=-1))


def inverse_frequency_weights(labels, num_classes):
    counts = Counter(labels.tolist())
    freq = torch.tensor([counts.get(c, 1) for c in range(num_classes)], dtype=torch.float)
    w = freq.sum() / (num_classes * freq)
    return w / w.mean()


def main():
    args = parse_args()
    set_seed(args.seed)
    accelerator = Accelerator(cpu=True)
    gen = torch.Generator().manual_seed(args.seed)

    train_ds = ActivityWindows(120, args.window, args.channels, args.num_classes, gen)
    class_weights = inverse_frequency_weights(train_ds.labels, args.num_classes)
    accelerator.print("class weights:", [round(w, 2) for w in class_weights.tolist()])

    model = ConvNet(args.channels, args.num_classes)
    optimizer = torch.optim.AdamW(model.parameters(), lr=args.lr)
    loader = DataLoader(train_ds, batch_size=args.batch_size, shuffle=True)
    model, optimizer, loader = accelerator.prepare(model, optimizer, loader)
    class_weights = class_weights.to(accelerator.device)

    for epoch in range(args.epochs):
        model.train()
        epoch_loss = 0.0
        for batch in loader:
            logits = model(batch["signal"])
            per_example = F.cross_entropy(logits, batch["label"], reduction="none")
            loss = (per_example * class_weights).mean()
            optimizer.zero_grad()
            accelerator.backward(loss)
            optimizer.step()
            epoch_loss += loss.item()
        accelerator.print(f"epoch {epoch}: loss {epoch_loss / len(loader):.4f}")

    accelerator.wait_for_everyone()


if __name__ == "__main__":
    main()
