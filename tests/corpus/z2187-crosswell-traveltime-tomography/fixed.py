"""Straight-ray crosswell traveltime tomography by gradient descent on slowness.

Sources hang in the left borehole, receivers in the right one.  The forward
operator G holds the ray length in each cell, so t = G @ s.
"""
import json
import os

import numpy as np
import torch

CFG = {
    "nx": 24,
    "nz": 40,
    "dx": 5.0,               # m
    "well_sep": 120.0,       # m
    "n_src": 16,
    "n_rec": 20,
    "v_background": 2500.0,  # m/s
    "v_anomaly": 2100.0,
    "noise_ms": 0.2,
    "step_frac": 0.01,       # max slowness update per iteration, fraction of s0
    "smooth_weight": 5e-4,
    "n_iter": 60,
    "seed": 3,
    "out": "tomo_result.json",
}


def ray_length_matrix(src, rec, nx, nz, dx, n_pts=400):
    """Approximate ray/cell intersection lengths by dense sampling along each straight ray."""
    n_rays = len(src) * len(rec)
    G = np.zeros((n_rays, nx * nz), dtype=np.float64)
    r = 0
    for s in src:
        for q in rec:
            seg = np.linspace(0.0, 1.0, n_pts)
            xs = s[0] + seg * (q[0] - s[0])
            zs = s[1] + seg * (q[1] - s[1])
            L = np.hypot(q[0] - s[0], q[1] - s[1])
            ix = np.clip((xs / dx).astype(int), 0, nx - 1)
            iz = np.clip((zs / dx).astype(int), 0, nz - 1)
            np.add.at(G[r], iz * nx + ix, L / n_pts)
            r += 1
    return G


def true_velocity(cfg):
    nx, nz = cfg["nx"], cfg["nz"]
    v = np.full((nz, nx), cfg["v_background"])
    zz, xx = np.mgrid[0:nz, 0:nx]
    blob = ((xx - nx * 0.55) / 4.0) ** 2 + ((zz - nz * 0.5) / 6.0) ** 2 < 1.0
    v[blob] = cfg["v_anomaly"]
    return v


def laplacian_penalty(s_grid):
    d2x = s_grid[:, 2:] - 2 * s_grid[:, 1:-1] + s_grid[:, :-2]
    d2z = s_grid[2:, :] - 2 * s_grid[1:-1, :] + s_grid[:-2, :]
    return (d2x ** 2).sum() + (d2z ** 2).sum()


def setup(cfg):
    rng = np.random.default_rng(cfg["seed"])
    depth = cfg["nz"] * cfg["dx"]
    src = [(0.0, z) for z in np.linspace(10, depth - 10, cfg["n_src"])]
    rec = [(cfg["well_sep"] - 1e-3, z) for z in np.linspace(5, depth - 5, cfg["n_rec"])]
    G = ray_length_matrix(src, rec, cfg["nx"], cfg["nz"], cfg["dx"])
    s_true = 1.0 / true_velocity(cfg).ravel()
    t_obs = G @ s_true + rng.normal(0, cfg["noise_ms"] * 1e-3, G.shape[0])
    return torch.tensor(G), torch.tensor(t_obs), s_true


def invert(cfg, G, t_obs):
    nz, nx = cfg["nz"], cfg["nx"]
    s0 = torch.full((nz * nx,), 1.0 / cfg["v_background"], dtype=torch.float64)
    slowness = s0.clone().requires_grad_(True)
    history = []
    for it in range(cfg["n_iter"]):
        t_pred = G @ slowness
        misfit = ((t_pred - t_obs) ** 2).sum()
        reg = laplacian_penalty(slowness.view(nz, nx))
        loss = misfit + cfg["smooth_weight"] * reg
        loss.backward()

        with torch.no_grad():
            step = cfg["step_frac"] * s0[0] / (slowness.grad.abs().max() + 1e-30)
            slowness -= step * slowness.grad
        slowness.grad.zero_()

        rms_ms = 1e3 * torch.sqrt(((t_pred - t_obs) ** 2).mean()).item()
        history.append(rms_ms)
        if it % 10 == 0:
            print(f"iter {it:3d}  rms traveltime residual {rms_ms:.3f} ms")
    return slowness.detach(), history


def main(cfg):
    G, t_obs, s_true = setup(cfg)
    print(f"{G.shape[0]} rays, {G.shape[1]} cells")
    s_est, history = invert(cfg, G, t_obs)
    v_est = (1.0 / s_est).view(cfg["nz"], cfg["nx"]).numpy()
    v_true = (1.0 / s_true).reshape(cfg["nz"], cfg["nx"])
    err = np.abs(v_est - v_true).mean()
    print(f"mean |v_est - v_true| = {err:.1f} m/s, min v_est = {v_est.min():.0f} m/s")
    with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), cfg["out"]), "w") as f:
        json.dump({"rms_ms": history, "v_min": float(v_est.min()), "mean_abs_err": float(err)}, f)


if __name__ == "__main__":
    main(CFG)
