"""Bird species identification from log-mel spectrogram clips, CNN with a hand-rolled label-smoothing loss."""
import torch
from torch import nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, TensorDataset

CONFIG = {
    "species": ["robin", "wren", "blackbird", "chaffinch", "goldcrest", "blue_tit", "great_tit", "dunnock",
                "song_thrush", "nuthatch", "treecreeper", "chiffchaff", "blackcap", "starling", "jay",
                "magpie", "wood_pigeon", "skylark", "swallow", "greenfinch"],
    "n_mels": 40,
    "frames": 60,
    "clips_per_species": 6,
    "batch_size": 8,
    "epochs": 2,
    "lr": 1e-3,
    "smoothing": 0.1,
    "seed": 21,
}


def synth_clips(cfg):
    """Each species gets a characteristic band of mel bins with a chirp-like temporal pattern."""
    g = torch.Generator().manual_seed(cfg["seed"])
    n_species = len(cfg["species"])
    clips, labels = [], []
    for sp in range(n_species):
        centre = 2 + (sp * (cfg["n_mels"] - 4)) // n_species
        for _ in range(cfg["clips_per_species"]):
            spec = 0.2 * torch.randn(cfg["n_mels"], cfg["frames"], generator=g)
            t = torch.arange(cfg["frames"])
            chirp = ((t % (4 + sp % 5)) < 2).float()
            spec[centre - 1:centre + 2] += chirp
            clips.append(spec.unsqueeze(0))
            labels.append(sp)
    return torch.stack(clips), torch.tensor(labels)


class SongCNN(nn.Module):
    def __init__(self, n_classes):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(1, 16, 3, padding=1), nn.BatchNorm2d(16), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(16, 32, 3, padding=1), nn.BatchNorm2d(32), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(32, 48, 3, padding=1), nn.ReLU(), nn.AdaptiveAvgPool2d(1),
        )
        self.classifier = nn.Linear(48, n_classes)

    def forward(self, spec):
        return self.classifier(self.features(spec).flatten(1))


class SmoothedCE(nn.Module):
    def __init__(self, n_classes, smoothing):
        super().__init__()
        self.n_classes = n_classes
        self.smoothing = smoothing

    def soft_targets(self, labels):
        off_value = self.smoothing / (self.n_classes - 1)
        targets = torch.full((labels.size(0), self.n_classes), off_value, device=labels.device)
        targets.scatter_(1, labels.unsqueeze(1), 1.0 - self.smoothing)
        return targets

    def forward(self, logits, labels):
        targets = self.soft_targets(labels)
        return -(targets * F.log_softmax(logits, dim=-1)).sum(dim=-1).mean()


def run(cfg):
    torch.manual_seed(cfg["seed"])
    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    clips, labels = synth_clips(cfg)
    loader = DataLoader(TensorDataset(clips, labels), batch_size=cfg["batch_size"], shuffle=True)

    n_classes = len(cfg["species"])
    model = SongCNN(n_classes).to(device)
    criterion = SmoothedCE(n_classes, cfg["smoothing"])
    opt = torch.optim.Adam(model.parameters(), lr=cfg["lr"])

    for epoch in range(cfg["epochs"]):
        model.train()
        running, correct = 0.0, 0
        for spec, species_idx in loader:
            spec, species_idx = spec.to(device), species_idx.to(device)
            logits = model(spec)
            loss = criterion(logits, species_idx)
            opt.zero_grad()
            loss.backward()
            opt.step()
            running += loss.item() * spec.size(0)
            correct += (logits.argmax(-1) == species_idx).sum().item()
        n = len(loader.dataset)
        print(f"epoch {epoch}: loss {running / n:.3f}  acc {correct / n:.2%}")


if __name__ == "__main__":
    run(CONFIG)
