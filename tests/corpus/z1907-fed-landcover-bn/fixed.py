import copy

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, TensorDataset

torch.manual_seed(21)

LAND_COVER = ["water", "forest", "cropland", "urban", "bare_soil"]
BANDS = 4          # red, green, blue, near-infrared
PATCH = 16


def synth_patches(class_weights, n_patches):
    labels = torch.multinomial(torch.tensor(class_weights), n_patches, replacement=True)
    base = torch.randn(len(LAND_COVER), BANDS, 1, 1)
    patches = base[labels] + 0.3 * torch.randn(n_patches, BANDS, PATCH, PATCH)
    return TensorDataset(patches, labels)


# non-IID regions: each ground station sees a different mix of land cover
regions = {
    "coastal": synth_patches([0.5, 0.1, 0.1, 0.2, 0.1], 96),
    "boreal": synth_patches([0.1, 0.6, 0.1, 0.1, 0.1], 80),
    "plains": synth_patches([0.05, 0.1, 0.6, 0.1, 0.15], 112),
    "desert": synth_patches([0.05, 0.05, 0.1, 0.2, 0.6], 64),
}
region_loaders = {name: DataLoader(ds, batch_size=16, shuffle=True) for name, ds in regions.items()}


class PatchNet(nn.Module):
    def __init__(self, n_bands, n_classes, width=16):
        super().__init__()
        self.block1 = nn.Sequential(
            nn.Conv2d(n_bands, width, 3, padding=1), nn.BatchNorm2d(width), nn.ReLU(), nn.MaxPool2d(2)
        )
        self.block2 = nn.Sequential(
            nn.Conv2d(width, 2 * width, 3, padding=1), nn.BatchNorm2d(2 * width), nn.ReLU(), nn.MaxPool2d(2)
        )
        self.classifier = nn.Linear(2 * width, n_classes)

    def forward(self, x):
        x = self.block2(self.block1(x))
        return self.classifier(x.mean(dim=(2, 3)))


def local_epochs(model, loader, epochs=2, lr=0.05):
    model.train()
    opt = torch.optim.SGD(model.parameters(), lr=lr, momentum=0.9)
    for _ in range(epochs):
        for patches, cover in loader:
            loss = F.cross_entropy(model(patches), cover)
            opt.zero_grad()
            loss.backward()
            opt.step()
    return loss.item()


def fedavg(client_states):
    global_state = {}
    for name in client_states[0]:
        stacked = torch.stack([state[name] for state in client_states])
        global_state[name] = stacked.float().mean(dim=0).to(stacked.dtype)
    return global_state


@torch.no_grad()
def evaluate(model, loaders):
    model.eval()
    correct, seen = 0, 0
    for loader in loaders.values():
        for patches, cover in loader:
            correct += (model(patches).argmax(1) == cover).sum().item()
            seen += cover.numel()
    return correct / seen


global_net = PatchNet(BANDS, len(LAND_COVER))
for comm_round in range(5):
    states = []
    for name, loader in region_loaders.items():
        station_net = copy.deepcopy(global_net)
        last_loss = local_epochs(station_net, loader)
        states.append(station_net.state_dict())
        print(f"round {comm_round} station {name:8s} last batch loss {last_loss:.3f}")
    global_net.load_state_dict(fedavg(states))
    print(f"round {comm_round} global accuracy {evaluate(global_net, region_loaders):.3f}")
