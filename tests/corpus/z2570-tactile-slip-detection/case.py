import os
import time

import numpy as np
import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
LOG_PATH = os.path.join(HERE, "fingertip_log.npz")

N_PADS = 2            # left / right fingertip
PAD_ROWS, PAD_COLS = 12, 8
N_TAXELS = N_PADS * PAD_ROWS * PAD_COLS
TOP_K = 24            # strongest taxels kept per frame
EMB_DIM = 16
HIDDEN = 64
WINDOW = 6            # frames per sample


def record_synthetic_log(path, n_grasps=60, frames_per_grasp=30, seed=3):
    rng = np.random.default_rng(seed)
    frames, slip = [], []
    for g in range(n_grasps):
        slipping = rng.random() < 0.4
        cr, cc = rng.uniform(3, PAD_ROWS - 3), rng.uniform(2, PAD_COLS - 2)
        for f in range(frames_per_grasp):
            drift = 0.15 * f if slipping else 0.0
            rows, cols = np.meshgrid(np.arange(PAD_ROWS), np.arange(PAD_COLS), indexing="ij")
            pressure = np.exp(-((rows - cr - drift) ** 2 + (cols - cc) ** 2) / 4.0)
            pressure = np.stack([pressure, pressure[:, ::-1]]) + 0.02 * rng.random((N_PADS, PAD_ROWS, PAD_COLS))
            flat = pressure.reshape(-1)
            top = np.argsort(-flat)[:TOP_K]
            pad = top // (PAD_ROWS * PAD_COLS)
            r = (top % (PAD_ROWS * PAD_COLS)) // PAD_COLS
            c = top % PAD_COLS
            # one row per active taxel: id, pad, row, col, pressure
            frames.append(np.stack([top, pad, r, c, flat[top]], axis=1))
            slip.append(int(slipping and f > 5))
    np.savez(path, events=np.asarray(frames, dtype=np.float32), slip=np.asarray(slip, dtype=np.int64),
             frames_per_grasp=frames_per_grasp)


def load_windows(path):
    log = np.load(path)
    events, slip, fpg = log["events"], log["slip"], int(log["frames_per_grasp"])
    xs, ys = [], []
    for start in range(0, len(events), fpg):
        for t in range(start + WINDOW, start + fpg):
            xs.append(events[t - WINDOW:t])
            ys.append(slip[t - 1])
    xs = torch.from_numpy(np.stack(xs))          # (N, WINDOW, TOP_K, 5)
    ys = torch.from_numpy(np.array(ys))
    taxel_ids = xs[..., 0]
    geom = xs[..., 1:4] / torch.tensor([1.0, PAD_ROWS, PAD_COLS])
    pressure = xs[..., 4:5]
    return taxel_ids, geom, pressure, ys


def init_params(seed=0):
    g = torch.Generator().manual_seed(seed)
    def w(*shape, scale=0.1):
        return (torch.randn(*shape, generator=g) * scale).requires_grad_()
    return {
        "taxel_emb": w(N_TAXELS, EMB_DIM),
        "feat_w": w(EMB_DIM + 3 + 1, HIDDEN),
        "feat_b": torch.zeros(HIDDEN, requires_grad=True),
        "gru_wih": w(3 * HIDDEN, HIDDEN),
        "gru_whh": w(3 * HIDDEN, HIDDEN),
        "gru_bih": torch.zeros(3 * HIDDEN, requires_grad=True),
        "gru_bhh": torch.zeros(3 * HIDDEN, requires_grad=True),
        "out_w": w(HIDDEN, 2),
        "out_b": torch.zeros(2, requires_grad=True),
    }


def forward(params, taxel_ids, geom, pressure):
    emb = F.embedding(taxel_ids, params["taxel_emb"])                 # (B, W, K, E)
    feats = torch.cat([emb, geom, pressure], dim=-1)
    feats = F.relu(feats @ params["feat_w"] + params["feat_b"])
    weights = torch.softmax(pressure.squeeze(-1) * 10.0, dim=-1).unsqueeze(-1)
    frame_vec = (weights * feats).sum(dim=2)                           # (B, W, H)
    h = torch.zeros(frame_vec.shape[0], HIDDEN)
    for t in range(frame_vec.shape[1]):
        h = torch.gru_cell(frame_vec[:, t], h, params["gru_wih"], params["gru_whh"],
                            params["gru_bih"], params["gru_bhh"])
    return h @ params["out_w"] + params["out_b"]


def run_training(epochs=3, batch_size=64, lr=3e-3):
    record_synthetic_log(LOG_PATH)
    taxel_ids, geom, pressure, ys = load_windows(LOG_PATH)
    print(f"{len(ys)} windows, slip rate {ys.float().mean():.2f}")
    params = init_params()
    opt = torch.optim.Adam(params.values(), lr=lr)
    gen = torch.Generator().manual_seed(1)
    t0 = time.time()
    for epoch in range(epochs):
        perm = torch.randperm(len(ys), generator=gen)
        total, correct = 0.0, 0
        for i in range(0, len(ys), batch_size):
            idx = perm[i:i + batch_size]
            logits = forward(params, taxel_ids[idx], geom[idx], pressure[idx])
            loss = F.cross_entropy(logits, ys[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item() * len(idx)
            correct += (logits.argmax(-1) == ys[idx]).sum().item()
        print(f"epoch {epoch}: loss {total / len(ys):.4f} acc {correct / len(ys):.3f} "
              f"({time.time() - t0:.1f}s)")
    return params


if __name__ == "__main__":
    run_training()
