import random

import torch
import torch.nn as nn
from torch.utils.data import DataLoader, Dataset

SPECIES = {
    "blackbird": (3, 7),
    "robin": (8, 12),
    "wren": (13, 17),
    "chiffchaff": (10, 15),
    "woodpigeon": (1, 4),
    "goldcrest": (16, 19),
}
N_MELS = 20
N_FRAMES = 40


def fake_recording(band, rng):
    lo, hi = band
    spec = torch.rand(N_MELS, N_FRAMES) * 0.3
    n_calls = rng.randint(2, 5)
    for _ in range(n_calls):
        start = rng.randint(0, N_FRAMES - 6)
        length = rng.randint(3, 6)
        spec[lo:hi + 1, start:start + length] += 1.0 + rng.random()
    return torch.log1p(spec)


class CallClips(Dataset):
    def __init__(self, n_per_species, seed):
        rng = random.Random(seed)
        names = list(SPECIES)
        self.items = []
        for idx, name in enumerate(names):
            for _ in range(n_per_species):
                self.items.append({"mel": fake_recording(SPECIES[name], rng), "species": idx})
        rng.shuffle(self.items)

    def __len__(self):
        return len(self.items)

    def __getitem__(self, i):
        return self.items[i]


class CallNet(nn.Module):
    def __init__(self, n_species):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv1d(N_MELS, 48, kernel_size=5, padding=2), nn.BatchNorm1d(48), nn.ReLU(),
            nn.Conv1d(48, 48, kernel_size=3, padding=1), nn.BatchNorm1d(48), nn.ReLU(),
            nn.AdaptiveMaxPool1d(1),
        )
        self.classifier = nn.Linear(48, n_species)

    def forward(self, mel):
        return self.classifier(self.features(mel).flatten(1))


class Fitter:
    def __init__(self, model, lr=2e-3):
        self.model = model
        self.criterion = nn.CrossEntropyLoss(label_smoothing=0.05)
        self.opt = torch.optim.Adam(model.parameters(), lr=lr)

    def train_epoch(self, loader):
        self.model.train()
        total, seen = 0.0, 0
        for batch in loader:
            logits = self.model(batch["mel"])
            loss = self.criterion(batch["species"], logits)
            self.opt.zero_grad()
            loss.backward()
            self.opt.step()
            total += loss.item() * len(batch["species"])
            seen += len(batch["species"])
        return total / seen

    @torch.no_grad()
    def accuracy(self, loader):
        self.model.eval()
        hits = sum((self.model(b["mel"]).argmax(1) == b["species"]).sum().item() for b in loader)
        return hits / len(loader.dataset)


def main():
    torch.manual_seed(3)
    train_loader = DataLoader(CallClips(20, seed=1), batch_size=12, shuffle=True)
    valid_loader = DataLoader(CallClips(5, seed=2), batch_size=12)
    fitter = Fitter(CallNet(len(SPECIES)))
    for epoch in range(5):
        loss = fitter.train_epoch(train_loader)
        print(f"epoch {epoch}: train loss {loss:.3f}, valid acc {fitter.accuracy(valid_loader):.2f}")


if __name__ == "__main__":
    main()
