import torch
import torch.nn as nn
import torch.nn.functional as F

LAND_COVER = ["water", "forest", "cropland", "urban", "wetland", "grassland", "barren"]
BANDS = 10
PATCH = 8
EMBED = 40
BATCH = 16


class PatchEncoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.stem = nn.Conv2d(BANDS, 32, kernel_size=3, padding=1)
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.proj = nn.Linear(32, EMBED)

    def forward(self, patches):
        h = F.relu(self.stem(patches))
        return self.proj(self.pool(h).flatten(1))


class PrototypeClassifier(nn.Module):
    def __init__(self, n_classes, temperature=0.1):
        super().__init__()
        self.encoder = PatchEncoder()
        self.prototypes = nn.Parameter(torch.randn(n_classes, EMBED))
        self.temperature = temperature

    def class_scores(self, emb):
        proto_n = F.normalize(self.prototypes, dim=-1)
        emb_n = F.normalize(emb, dim=-1)
        sims = torch.mm(emb_n, proto_n.transpose(0, 1))
        return sims / self.temperature

    def forward(self, patches):
        return self.class_scores(self.encoder(patches))


def fake_tiles(n, gen):
    patches = torch.randn(n, BANDS, PATCH, PATCH, generator=gen)
    labels = torch.randint(0, len(LAND_COVER), (n,), generator=gen)
    return patches, labels


if __name__ == "__main__":
    torch.manual_seed(0)
    gen = torch.Generator().manual_seed(1)
    model = PrototypeClassifier(len(LAND_COVER))
    opt = torch.optim.SGD(model.parameters(), lr=0.05)
    for step in range(5):
        patches, labels = fake_tiles(BATCH, gen)
        logits = model(patches)
        loss = F.cross_entropy(logits, labels)
        opt.zero_grad()
        loss.backward()
        opt.step()
        acc = (logits.argmax(-1) == labels).float().mean().item()
        print(f"step {step}: loss={loss.item():.3f} acc={acc:.2f}")
