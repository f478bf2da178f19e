import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

SEED = 11
FS = 100.0
WIN = 1024
N_EVENTS = 160
SNR_MIN_DB = 3.0
GAUSS_SIGMA = 10  # samples, width of the target pick "probability" curve

rng = np.random.default_rng(SEED)
torch.manual_seed(SEED)


def synth_catalog(n):
    cat = []
    for ev in range(n):
        cat.append({
            "evid": f"ci{40000000 + ev}",
            "station": rng.choice(["PAS", "GSC", "SVD", "BBR", "CWC"]),
            "p_sample": int(rng.integers(200, 700)),
            "amp": float(rng.lognormal(0.8, 0.7)),
        })
    return cat


def synth_waveform(row):
    x = rng.normal(0, 0.2, WIN)
    p = row["p_sample"]
    t = np.arange(WIN - p) / FS
    x[p:] += row["amp"] * np.exp(-4 * t) * np.sin(2 * np.pi * 6.0 * t)
    return x.astype(np.float32)


def snr_db(x, p, pre=150, post=150):
    noise = x[max(0, p - pre):p]
    sig = x[p:p + post]
    return 10 * np.log10((sig.var() + 1e-12) / (noise.var() + 1e-12))


def gaussian_target(p_idx, n=WIN, sigma=GAUSS_SIGMA):
    idx = torch.arange(n).float()
    return torch.exp(-0.5 * ((idx[None, :] - p_idx[:, None].float()) / sigma) ** 2)


def build_picker():
    return nn.Sequential(
        nn.Conv1d(1, 8, 11, padding=5), nn.ReLU(),
        nn.Conv1d(8, 16, 11, padding=5), nn.ReLU(),
        nn.Conv1d(16, 16, 11, padding=5), nn.ReLU(),
        nn.Conv1d(16, 1, 1),
    )


def train_picker(model, X, p_idx, epochs=3, bs=16, lr=2e-3):
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    target = gaussian_target(p_idx)
    n = X.shape[0]
    for ep in range(epochs):
        perm = torch.randperm(n)
        tot = 0.0
        for i in range(0, n, bs):
            b = perm[i:i + bs]
            logit = model(X[b].unsqueeze(1)).squeeze(1)
            loss = F.binary_cross_entropy_with_logits(logit, target[b])
            opt.zero_grad()
            loss.backward()
            opt.step()
            tot += loss.item() * len(b)
        print(f"epoch {ep}: bce {tot / n:.4f}")
    return model


def pick_residuals(model, X_eval, catalog_eval):
    model.eval()
    with torch.no_grad():
        prob = torch.sigmoid(model(X_eval.unsqueeze(1)).squeeze(1))
    picks = prob.argmax(dim=1)
    peak = prob.max(dim=1).values
    resid = []
    for i in range(len(catalog_eval)):
        if peak[i] < 0.1:
            continue
        dt = (picks[i].item() - catalog_eval[i]["p_sample"]) / FS
        resid.append(dt)
    return np.array(resid)


def main():
    catalog = synth_catalog(N_EVENTS)
    waves = np.stack([synth_waveform(r) for r in catalog])
    waves /= np.abs(waves).max(axis=1, keepdims=True)

    snrs = np.array([snr_db(w, r["p_sample"]) for w, r in zip(waves, catalog)])
    keep = snrs >= SNR_MIN_DB
    print(f"{keep.sum()} / {len(catalog)} traces pass SNR >= {SNR_MIN_DB} dB")

    X = torch.from_numpy(waves[keep])
    p_idx = torch.tensor([r["p_sample"] for r, k in zip(catalog, keep) if k])

    n_train = int(0.75 * len(X))
    model = train_picker(build_picker(), X[:n_train], p_idx[:n_train])

    X_test = X[n_train:]
    catalog_test = [r for r, k in zip(catalog, keep) if k][n_train:]
    resid = pick_residuals(model, X_test, catalog_test)
    print(f"test picks: {len(resid)}  mean {resid.mean():+.3f}s  std {resid.std():.3f}s")
    print(f"within 0.1 s: {(np.abs(resid) < 0.1).mean() * 100:.1f}%")


if __name__ == "__main__":
    main()
