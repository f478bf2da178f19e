"""BALD acquisition with MC dropout for land-cover classification of satellite patches.

Small 4-band patches (R, G, B, NIR) are labeled as water / forest / crop / urban.
Each round: train the CNN on the labeled patches plus pseudo-labeled ones,
run T stochastic forward passes over the pool, pick the patches with the
highest mutual information for the annotator, and pseudo-label the pool
patches the ensemble agrees on with high confidence.
"""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(3)
rng = np.random.default_rng(3)

COVER = ["water", "forest", "crop", "urban"]
BANDS, PATCH = 4, 8
MC_PASSES = 10


def synth_patches(n):
    base = np.array([[0.1, 0.2, 0.4, 0.05],
                     [0.1, 0.4, 0.1, 0.7],
                     [0.4, 0.5, 0.2, 0.5],
                     [0.5, 0.5, 0.5, 0.3]], dtype=np.float32)
    cover = rng.integers(0, len(COVER), size=n)
    x = base[cover][:, :, None, None] + 0.6 * rng.standard_normal((n, BANDS, PATCH, PATCH))
    return torch.tensor(x, dtype=torch.float32), torch.tensor(cover)


class PatchCNN(nn.Module):
    def __init__(self, n_cover):
        super().__init__()
        self.conv1 = nn.Conv2d(BANDS, 16, 3, padding=1)
        self.conv2 = nn.Conv2d(16, 32, 3, padding=1)
        self.drop = nn.Dropout(0.3)
        self.fc = nn.Linear(32, n_cover)

    def forward(self, x):
        x = F.relu(self.conv1(x))
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        x = x.mean(dim=(2, 3))
        return self.fc(self.drop(x))


def train(model, patches, targets, epochs=10, bs=16):
    opt = torch.optim.Adam(model.parameters(), lr=3e-3)
    model.train()
    for _ in range(epochs):
        perm = torch.randperm(len(targets))
        for s in range(0, len(perm), bs):
            b = perm[s:s + bs]
            loss = F.cross_entropy(model(patches[b]), targets[b])
            opt.zero_grad()
            loss.backward()
            opt.step()
    return loss.item()


@torch.no_grad()
def mc_predict(model, patches):
    model.train()  # keep dropout active
    return torch.stack([model(patches).softmax(-1) for _ in range(MC_PASSES)])


def bald_scores(mc_probs):
    n_cover = mc_probs.shape[-1]
    mean_p = mc_probs.mean(0)
    predictive_ent = -(mean_p * mean_p.clamp_min(1e-8).log()).sum(-1)
    per_patch = mc_probs.transpose(0, 1)
    flat = per_patch.view(-1, n_cover)
    pass_ent = -(flat * flat.clamp_min(1e-8).log()).sum(-1)
    expected_ent = pass_ent.view(per_patch.shape[0], per_patch.shape[1]).mean(1)
    return predictive_ent - expected_ent, mean_p


def main():
    patches, truth = synth_patches(300)
    perm = rng.permutation(len(truth)).tolist()
    labeled, pool = perm[:24], perm[24:]
    pseudo = {}
    model = PatchCNN(len(COVER))

    for rnd in range(4):
        train_idx = labeled + list(pseudo)
        train_y = torch.tensor([truth[i].item() for i in labeled] + list(pseudo.values()))
        loss = train(model, patches[train_idx], train_y)

        mc = mc_predict(model, patches[pool])
        mi, mean_p = bald_scores(mc)

        ask = set(mi.topk(12).indices.tolist())
        conf, guess = mean_p.max(-1)
        for j in range(len(pool)):
            if j not in ask and conf[j] > 0.97:
                pseudo[pool[j]] = guess[j].item()

        labeled += [pool[j] for j in sorted(ask)]
        pool = [p for j, p in enumerate(pool) if j not in ask and p not in pseudo]
        print(f"round {rnd}: loss={loss:.3f} max_mi={mi.max():.3f} "
              f"labeled={len(labeled)} pseudo={len(pseudo)} pool={len(pool)}")

    if pseudo:
        hits = sum(truth[i].item() == c for i, c in pseudo.items())
        print(f"pseudo-label accuracy: {hits / len(pseudo):.2%}")


if __name__ == "__main__":
    main()
