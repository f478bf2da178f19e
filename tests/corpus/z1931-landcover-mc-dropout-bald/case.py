import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(3)

LAND_COVER = ["water", "forest", "cropland", "urban", "bare_soil"]
BANDS = 4          # R, G, B, NIR
PATCH = 8
N_PATCHES = 800

band_means = torch.tensor([
    [0.05, 0.08, 0.15, 0.02],
    [0.04, 0.10, 0.05, 0.45],
    [0.10, 0.16, 0.08, 0.35],
    [0.25, 0.24, 0.22, 0.20],
    [0.30, 0.25, 0.18, 0.28],
])
cover = torch.randint(0, len(LAND_COVER), (N_PATCHES,))
patches = band_means[cover][:, :, None, None] + 0.2 * torch.randn(N_PATCHES, BANDS, PATCH, PATCH)


class PatchNet(nn.Module):
    def __init__(self, n_classes, p_drop=0.3):
        super().__init__()
        self.conv1 = nn.Conv2d(BANDS, 16, 3, padding=1)
        self.conv2 = nn.Conv2d(16, 24, 3, padding=1)
        self.drop = nn.Dropout(p_drop)
        self.fc = nn.Linear(24, n_classes)

    def forward(self, x):
        h = F.relu(self.conv1(x))
        h = F.max_pool2d(F.relu(self.conv2(h)), 2)
        h = h.mean(dim=(2, 3))
        return self.fc(self.drop(h))


def fit(idx, epochs=25):
    net = PatchNet(len(LAND_COVER))
    opt = torch.optim.Adam(net.parameters(), lr=5e-3)
    x, y = patches[idx], cover[idx]
    net.train()
    for _ in range(epochs):
        loss = F.cross_entropy(net(x), y)
        opt.zero_grad()
        loss.backward()
        opt.step()
    return net


@torch.no_grad()
def mc_dropout_probs(net, idx, passes=10):
    net.train()
    x = patches[idx]
    return torch.stack([F.softmax(net(x), dim=-1) for _ in range(passes)])


def entropy(p, dim=-1):
    return -(p * p.clamp_min(1e-12).log()).sum(dim)


def bald_scores(mc):
    predictive = entropy(mc.mean(0))
    expected = entropy(mc).mean(0)
    return predictive - expected


def diverse_topk(scores, mc, k, shortlist_factor=4):
    shortlist = scores.topk(min(k * shortlist_factor, scores.numel())).indices
    signature = mc[:, shortlist].transpose(0, 1).view(len(shortlist), -1)
    chosen = [0]
    dist = torch.cdist(signature, signature[chosen[0]][None]).squeeze(1)
    while len(chosen) < k:
        nxt = int(dist.argmax())
        chosen.append(nxt)
        dist = torch.minimum(dist, torch.cdist(signature, signature[nxt][None]).squeeze(1))
    return shortlist[chosen].tolist()


order = torch.randperm(N_PATCHES).tolist()
val_idx = order[:200]
train_idx = order[200:225]
unlabeled_idx = order[225:]

BATCH_PER_ROUND = 20
for rnd in range(4):
    net = fit(train_idx)
    net.eval()
    with torch.no_grad():
        val_acc = (net(patches[val_idx]).argmax(1) == cover[val_idx]).float().mean().item()

    mc = mc_dropout_probs(net, unlabeled_idx)
    scores = bald_scores(mc)
    pos = diverse_topk(scores, mc, BATCH_PER_ROUND)
    queried = [unlabeled_idx[p] for p in pos]

    train_idx = train_idx + queried
    queried_set = set(queried)
    unlabeled_idx = [i for i in unlabeled_idx if i not in queried_set]
    print(f"round {rnd}: labeled={len(train_idx)} unlabeled={len(unlabeled_idx)} "
          f"val_acc={val_acc:.3f} mean_bald={scores.mean():.4f}")
