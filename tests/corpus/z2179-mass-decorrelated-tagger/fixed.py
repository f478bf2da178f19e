# Mass-decorrelated W tagger trained against an adversary (Louppe/Kagan/Cranmer style).
# The adversary tries to recover the background jet-mass bin from the tagger output;
# the tagger is penalised by lambda * L_adv so that its QCD efficiency stays flat in mass.
import argparse

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, TensorDataset

SUBSTRUCTURE = ["tau21", "tau32", "d2", "c2", "n_sd_prongs", "log_ptd"]
MASS_EDGES = [40.0, 60.0, 80.0, 100.0, 120.0, 160.0]


def parse_args():
    p = argparse.ArgumentParser()
    p.add_argument("--n-jets", type=int, default=8000)
    p.add_argument("--tagger-hidden", type=int, default=64)
    p.add_argument("--adv-hidden", type=int, default=32)
    p.add_argument("--lam", type=float, default=10.0)
    p.add_argument("--lr-tagger", type=float, default=1e-3)
    p.add_argument("--lr-adv", type=float, default=5e-3)
    p.add_argument("--batch-size", type=int, default=128)
    p.add_argument("--pretrain-epochs", type=int, default=1)
    p.add_argument("--epochs", type=int, default=2)
    p.add_argument("--seed", type=int, default=3)
    return p.parse_args()


def make_jets(n, rng):
    y = rng.integers(0, 2, n)
    mass = np.where(y == 1, rng.normal(80.4, 8.0, n), rng.exponential(45.0, n) + 20.0)
    # QCD substructure sculpts with mass: heavier QCD jets look more two-pronged
    m_scale = np.clip(mass / 100.0, 0.2, 2.0)
    tau21 = np.where(y == 1, rng.normal(0.35, 0.1, n), rng.normal(0.7, 0.12, n) - 0.12 * m_scale)
    tau32 = rng.normal(0.75, 0.1, n) - 0.05 * y
    d2 = np.where(y == 1, rng.normal(1.2, 0.3, n), rng.normal(2.2, 0.5, n) - 0.4 * m_scale)
    c2 = 0.1 * d2 + rng.normal(0, 0.02, n)
    prongs = np.where(y == 1, rng.poisson(2.0, n), rng.poisson(1.0 + 0.5 * m_scale, n))
    log_ptd = rng.normal(-1.0, 0.3, n) + 0.2 * y
    X = np.stack([tau21, tau32, d2, c2, prongs, log_ptd], axis=1).astype(np.float32)
    X = (X - X.mean(0)) / X.std(0)
    return X, y.astype(np.float32), mass.astype(np.float32)


def build_tagger(n_in, hidden):
    return nn.Sequential(
        nn.Linear(n_in, hidden), nn.ReLU(),
        nn.Linear(hidden, hidden), nn.ReLU(),
        nn.Linear(hidden, 1),
    )


def build_adversary(hidden, n_bins):
    return nn.Sequential(nn.Linear(1, hidden), nn.Tanh(), nn.Linear(hidden, n_bins))


def pretrain_tagger(tagger, loader, opt, epochs):
    for epoch in range(epochs):
        for x, y, _ in loader:
            loss = F.binary_cross_entropy_with_logits(tagger(x).squeeze(-1), y)
            opt.zero_grad()
            loss.backward()
            opt.step()
        print(f"pretrain epoch {epoch}: l_clf {loss.item():.4f}")


def adversarial_step(tagger, adversary, opt_tag, opt_adv, batch, mass_edges, lam):
    x, y, mass = batch
    logits = tagger(x).squeeze(-1)
    l_clf = F.binary_cross_entropy_with_logits(logits, y)

    bkg = y == 0
    mass_bin = torch.bucketize(mass[bkg], mass_edges)
    p_bkg = torch.sigmoid(logits[bkg]).unsqueeze(1)
    l_adv = F.cross_entropy(adversary(p_bkg.detach()), mass_bin)

    opt_adv.zero_grad()
    l_adv.backward()
    opt_adv.step()

    l_adv_tagger = F.cross_entropy(adversary(p_bkg), mass_bin)
    total = l_clf - lam * l_adv_tagger
    opt_tag.zero_grad()
    total.backward()
    opt_tag.step()
    return l_clf.item(), l_adv.item()


def qcd_mass_sculpting(tagger, X, y, mass, wp=0.5):
    with torch.no_grad():
        scores = torch.sigmoid(tagger(torch.from_numpy(X)).squeeze(-1)).numpy()
    bkg = y == 0
    print("QCD efficiency per mass bin:")
    edges = [0.0] + MASS_EDGES + [np.inf]
    for lo, hi in zip(edges[:-1], edges[1:]):
        sel = bkg & (mass >= lo) & (mass < hi)
        if sel.sum() > 0:
            print(f"  [{lo:5.0f}, {hi:5.0f}): {np.mean(scores[sel] > wp):.3f}  (n={sel.sum()})")


def main():
    args = parse_args()
    torch.manual_seed(args.seed)
    rng = np.random.default_rng(args.seed)
    X, y, mass = make_jets(args.n_jets, rng)
    ds = TensorDataset(torch.from_numpy(X), torch.from_numpy(y), torch.from_numpy(mass))
    loader = DataLoader(ds, batch_size=args.batch_size, shuffle=True, drop_last=True)

    mass_edges = torch.tensor(MASS_EDGES)
    tagger = build_tagger(len(SUBSTRUCTURE), args.tagger_hidden)
    adversary = build_adversary(args.adv_hidden, len(MASS_EDGES) + 1)
    opt_tag = torch.optim.Adam(tagger.parameters(), lr=args.lr_tagger)
    opt_adv = torch.optim.SGD(adversary.parameters(), lr=args.lr_adv, momentum=0.9)

    pretrain_tagger(tagger, loader, opt_tag, args.pretrain_epochs)
    for epoch in range(args.epochs):
        clf_sum = adv_sum = 0.0
        for batch in loader:
            l_clf, l_adv = adversarial_step(tagger, adversary, opt_tag, opt_adv, batch, mass_edges, args.lam)
            clf_sum += l_clf
            adv_sum += l_adv
        print(f"epoch {epoch}: l_clf {clf_sum / len(loader):.4f}  l_adv {adv_sum / len(loader):.4f}")
    qcd_mass_sculpting(tagger, X, y, mass)


if __name__ == "__main__":
    main()
