"""Star / galaxy / QSO classification from ugriz catalog photometry.

Trains an MLP on colours plus a concentration index with stochastic weight
averaging, writes the averaged weights to disk, then reloads them into a fresh
network for scoring a new batch of catalog rows, as a separate inference job would.
"""
import os
import tempfile

import torch
import torch.nn as nn
from torch.optim.swa_utils import AveragedModel, SWALR

torch.manual_seed(3)

OBJ_TYPES = ["STAR", "GALAXY", "QSO"]
BAND_ORDER = ["u", "g", "r", "i", "z"]
# rough mean colours (u-g, g-r, r-i, i-z) per class
COLOUR_CENTRES = torch.tensor([
    [1.2, 0.45, 0.15, 0.05],
    [1.6, 0.75, 0.40, 0.30],
    [0.25, 0.15, 0.10, 0.05],
])


def mock_catalog(n_rows):
    obj_class = torch.randint(0, len(OBJ_TYPES), (n_rows,))
    colours = COLOUR_CENTRES[obj_class] + 0.15 * torch.randn(n_rows, 4)
    r_mag = 17.0 + 4.0 * torch.rand(n_rows)
    mags = torch.empty(n_rows, len(BAND_ORDER))
    mags[:, 2] = r_mag
    mags[:, 1] = r_mag + colours[:, 1]
    mags[:, 0] = mags[:, 1] + colours[:, 0]
    mags[:, 3] = r_mag - colours[:, 2]
    mags[:, 4] = mags[:, 3] - colours[:, 3]
    # psfMag - modelMag: ~0 for point sources, larger for extended galaxies
    concentration = torch.where(obj_class == 1, 0.6, 0.02) + 0.05 * torch.randn(n_rows)
    return mags, concentration, obj_class


def catalog_features(mags, concentration):
    colours = mags[:, :-1] - mags[:, 1:]
    return torch.cat([colours, mags[:, 2:3] - 19.0, concentration[:, None]], dim=1)


class ColourMLP(nn.Module):
    def __init__(self, n_in=6, width=64, n_out=3):
        super().__init__()
        self.body = nn.Sequential(
            nn.Linear(n_in, width), nn.ReLU(),
            nn.Linear(width, width), nn.ReLU(),
        )
        self.out = nn.Linear(width, n_out)

    def forward(self, x):
        return self.out(self.body(x))


def train_and_save(ckpt_path):
    mags, conc, y = mock_catalog(3000)
    feats = catalog_features(mags, conc)

    net = ColourMLP()
    swa_net = AveragedModel(net)
    opt = torch.optim.SGD(net.parameters(), lr=0.05, momentum=0.9)
    swa_sched = SWALR(opt, swa_lr=0.01)
    loss_fn = nn.CrossEntropyLoss()
    swa_start = 6

    for epoch in range(10):
        perm = torch.randperm(feats.shape[0])
        for i in range(0, len(perm), 128):
            idx = perm[i:i + 128]
            loss = loss_fn(net(feats[idx]), y[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
        if epoch >= swa_start:
            swa_net.update_parameters(net)
            swa_sched.step()
        with torch.no_grad():
            acc = (net(feats).argmax(1) == y).float().mean().item()
        print(f"epoch {epoch:2d} loss {loss.item():.3f} train acc {acc:.3f}")

    torch.save(swa_net.module.state_dict(), ckpt_path)
    print("saved averaged weights to", ckpt_path)


def score_new_rows(ckpt_path):
    mags, conc, y_true = mock_catalog(500)
    feats = catalog_features(mags, conc)
    scorer = ColourMLP()
    scorer.load_state_dict(torch.load(ckpt_path))
    scorer.eval()
    with torch.no_grad():
        probs = scorer(feats).softmax(dim=1)
    pred = probs.argmax(1)
    for k, name in enumerate(OBJ_TYPES):
        sel = pred == k
        purity = (y_true[sel] == k).float().mean().item() if sel.any() else float("nan")
        print(f"{name:6s} n={int(sel.sum()):4d} purity={purity:.3f}")


def main():
    outdir = tempfile.mkdtemp(prefix="colour_clf_")
    ckpt_path = os.path.join(outdir, "colour_mlp_swa.pt")
    train_and_save(ckpt_path)
    score_new_rows(ckpt_path)


if __name__ == "__main__":
    main()
