import torch
import torch.nn as nn
from torch.utils.data import Dataset, DataLoader

GENRES = ["blues", "jazz", "metal", "pop", "reggae"]

SETTINGS = {
    "n_mfcc": 20,
    "frames": 64,
    "hid": 48,
    "batch": 16,
    "lr": 2e-3,
    "epochs": 1,
}


class ClipBank(Dataset):
    def __init__(self, n_clips, n_mfcc, frames, seed=0):
        g = torch.Generator().manual_seed(seed)
        self.labels = torch.randint(0, len(GENRES), (n_clips,), generator=g)
        base = torch.randn(len(GENRES), n_mfcc, generator=g)
        noise = 0.8 * torch.randn(n_clips, frames, n_mfcc, generator=g)
        self.feats = base[self.labels].unsqueeze(1) + noise

    def __len__(self):
        return len(self.labels)

    def __getitem__(self, i):
        return self.feats[i], self.labels[i]


class FrameEncoder(nn.Module):
    def __init__(self, n_mfcc, hid, dropout=0.1):
        super().__init__()
        self.proj = nn.Linear(n_mfcc, hid)
        self.rnn = nn.GRU(hid, hid, batch_first=True, bidirectional=True)
        self.drop = nn.Dropout(dropout)

    def forward(self, x):
        x = torch.relu(self.proj(x))
        out, h_n = self.rnn(x)
        summary = torch.cat([h_n[-2], h_n[-1]], dim=-1)
        return self.drop(summary)


class GenreNet(nn.Module):
    def __init__(self, n_mfcc, hid, n_out):
        super().__init__()
        self.encoder = FrameEncoder(n_mfcc, hid)
        self.classifier = nn.Sequential(
            nn.Linear(hid, hid),
            nn.Tanh(),
            nn.Linear(hid, n_out),
        )

    def forward(self, x):
        return self.classifier(self.encoder(x))


def run_epoch(model, loader, optim, loss_fn):
    model.train()
    total, correct, seen = 0.0, 0, 0
    for feats, labels in loader:
        optim.zero_grad()
        logits = model(feats)
        loss = loss_fn(logits, labels)
        loss.backward()
        optim.step()
        total += loss.item() * labels.size(0)
        correct += (logits.argmax(-1) == labels).sum().item()
        seen += labels.size(0)
    return total / seen, correct / seen


def main():
    torch.manual_seed(7)
    cfg = SETTINGS
    data = ClipBank(32, cfg["n_mfcc"], cfg["frames"])
    loader = DataLoader(data, batch_size=cfg["batch"], shuffle=True)
    model = GenreNet(cfg["n_mfcc"], cfg["hid"], len(GENRES))
    optim = torch.optim.Adam(model.parameters(), lr=cfg["lr"])
    loss_fn = nn.CrossEntropyLoss()
    for epoch in range(cfg["epochs"]):
        loss, acc = run_epoch(model, loader, optim, loss_fn)
        print(f"epoch {epoch}: loss={loss:.3f} acc={acc:.2%}")


if __name__ == "__main__":
    main()
