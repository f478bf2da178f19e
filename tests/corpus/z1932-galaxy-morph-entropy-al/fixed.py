"""Active learning for galaxy morphology on small synthetic cutouts.

A volunteer annotator labels a seed set, then each round we query the most
uncertain cutouts (max predictive entropy) from the unlabeled pool, get their
labels from the annotator (simulated by the hidden catalogue), and retrain.
"""
import math
import random

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(7)
random.seed(4)

MORPH_CLASSES = ["elliptical", "spiral", "edge_on", "merger"]
CLASS_FREQ = [0.40, 0.35, 0.20, 0.05]
CUTOUT = 16
N_CUTOUTS = 400
SEED_SIZE = 24
QUERY_PER_ROUND = 20
N_ROUNDS = 4


def render_cutout(kind):
    yy, xx = torch.meshgrid(torch.linspace(-1, 1, CUTOUT), torch.linspace(-1, 1, CUTOUT), indexing="ij")
    r = torch.sqrt(xx ** 2 + yy ** 2)
    if kind == 0:
        img = torch.exp(-3 * r ** 2)
    elif kind == 1:
        theta = torch.atan2(yy, xx)
        img = torch.exp(-2 * r) * (1 + torch.cos(2 * theta + 6 * r))
    elif kind == 2:
        img = torch.exp(-(8 * yy ** 2 + 0.8 * xx ** 2))
    else:
        img = torch.exp(-6 * ((xx - 0.35) ** 2 + yy ** 2)) + torch.exp(-6 * ((xx + 0.4) ** 2 + (yy - 0.2) ** 2))
    return img + 0.25 * torch.randn_like(img)


def build_catalogue():
    kinds = random.choices(range(len(MORPH_CLASSES)), weights=CLASS_FREQ, k=N_CUTOUTS)
    images = torch.stack([render_cutout(k) for k in kinds]).unsqueeze(1)
    return images, torch.tensor(kinds, dtype=torch.long)


class MorphNet(nn.Module):
    def __init__(self, n_out):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 8, 3, padding=1)
        self.conv2 = nn.Conv2d(8, 16, 3, padding=1)
        self.head = nn.Linear(16 * 4 * 4, n_out)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        return self.head(x.flatten(1))


def fit(net, images, targets, epochs=15):
    opt = torch.optim.Adam(net.parameters(), lr=3e-3)
    net.train()
    for _ in range(epochs):
        perm = torch.randperm(len(targets))
        for start in range(0, len(perm), 16):
            b = perm[start:start + 16]
            loss = F.cross_entropy(net(images[b]), targets[b])
            opt.zero_grad()
            loss.backward()
            opt.step()
    return loss.item()


@torch.no_grad()
def predictive_entropy(net, images):
    net.eval()
    probs = F.softmax(net(images), dim=-1)
    return -(probs * torch.log(probs.clamp_min(1e-9))).sum(-1)


def annotate(catalogue_labels, idx_list):
    # the volunteer reveals the true morphology for these cutouts
    return catalogue_labels[torch.tensor(idx_list)]


def main():
    images, hidden_labels = build_catalogue()
    everything = list(range(N_CUTOUTS))
    # seed: the cutouts the volunteer classified in the first session
    labeled_idx = everything[:SEED_SIZE]
    pool_idx = [i for i in everything if i not in set(labeled_idx)]
    labeled_y = annotate(hidden_labels, labeled_idx)

    n_morph = len(MORPH_CLASSES)
    print(f"seed set: {len(labeled_idx)} cutouts, {n_morph} morphology classes seen")

    for rnd in range(N_ROUNDS):
        net = MorphNet(n_morph)
        last_loss = fit(net, images[labeled_idx], labeled_y)
        ent = predictive_entropy(net, images[pool_idx])
        top = torch.topk(ent, QUERY_PER_ROUND).indices.tolist()
        queried = [pool_idx[j] for j in top]
        print(f"round {rnd}: loss={last_loss:.3f} labeled={len(labeled_idx)} "
              f"mean pool entropy={ent.mean():.3f} (max {math.log(n_morph):.3f})")

        new_y = annotate(hidden_labels, queried)
        labeled_idx = labeled_idx + queried
        labeled_y = torch.cat([labeled_y, new_y])
        chosen = set(queried)
        pool_idx = [i for i in pool_idx if i not in chosen]

    final = MorphNet(n_morph)
    fit(final, images[labeled_idx], labeled_y)
    with torch.no_grad():
        acc = (final(images).argmax(-1) == hidden_labels).float().mean()
    print(f"final accuracy on full catalogue: {acc:.3f}")


if __name__ == "__main__":
    main()
