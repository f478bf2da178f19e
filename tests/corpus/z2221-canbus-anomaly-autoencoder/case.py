import os
import warnings
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

warnings.filterwarnings("ignore", category=UserWarning)

HERE = os.path.dirname(os.path.abspath(__file__))
CFG = {
    "signals": ["wheel_speed_fl", "wheel_speed_fr", "steer_angle", "yaw_rate", "brake_press", "throttle_pos"],
    "sample_hz": 50,
    "window": 64,
    "stride": 16,
    "latent": 16,
    "channels": 32,
    "epochs": 3,
    "lr": 2e-3,
    "batch_size": 32,
    "ckpt": os.path.join(HERE, "can_ae.pt"),
    "seed": 11,
}


def synth_can_log(n_seconds, hz, rng, inject_fault=False):
    t = np.arange(n_seconds * hz) / hz
    speed = 12 + 3 * np.sin(0.05 * t) + rng.normal(0, 0.05, t.size)
    steer = 0.2 * np.sin(0.3 * t) + rng.normal(0, 0.01, t.size)
    yaw = speed * np.tan(steer) / 2.8 + rng.normal(0, 0.01, t.size)
    brake = np.clip(-np.gradient(speed) * 40, 0, None)
    throttle = np.clip(np.gradient(speed) * 60 + 15, 0, 100)
    log = np.stack([speed, speed + rng.normal(0, 0.03, t.size), steer, yaw, brake, throttle], axis=1)
    if inject_fault:
        start = t.size // 2
        log[start:start + hz * 2, 3] += 0.8
    return log.astype(np.float32)


def fit_normalizer(log):
    mu = log.mean(axis=0, keepdims=True)
    sd = log.std(axis=0, keepdims=True) + 1e-6
    return mu, sd


def make_windows(log, mu, sd, window, stride):
    norm = (log - mu) / sd
    idx = range(0, len(norm) - window + 1, stride)
    return torch.from_numpy(np.stack([norm[i:i + window] for i in idx]))


def build_autoencoder(cfg):
    c_in, ch, z = len(cfg["signals"]), cfg["channels"], cfg["latent"]
    return nn.ModuleDict({
        "encoder": nn.GRU(c_in, ch, batch_first=True),
        "to_latent": nn.Linear(ch, z),
        "from_latent": nn.Linear(z, ch),
        "decoder": nn.GRU(ch, ch, batch_first=True),
        "out": nn.Linear(ch, c_in),
    })


def reconstruct(model, x):
    _, h = model["encoder"](x)
    z = torch.tanh(model["to_latent"](h[-1]))
    dec_in = model["from_latent"](z).unsqueeze(1).expand(-1, x.size(1), -1)
    y, _ = model["decoder"](dec_in.contiguous())
    return model["out"](y)


def train_autoencoder(cfg, windows):
    torch.manual_seed(cfg["seed"])
    model = build_autoencoder(cfg)
    opt = torch.optim.Adam(model.parameters(), lr=cfg["lr"])
    for epoch in range(cfg["epochs"]):
        perm = torch.randperm(len(windows))
        total = 0.0
        for i in range(0, len(windows), cfg["batch_size"]):
            xb = windows[perm[i:i + cfg["batch_size"]]]
            loss = F.mse_loss(reconstruct(model, xb), xb)
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item() * len(xb)
        print(f"epoch {epoch} recon {total / len(windows):.4f}")
    torch.save({"state_dict": model.state_dict(), "cfg": cfg}, cfg["ckpt"])
    return model


def load_for_inference(ckpt_path):
    blob = torch.load(ckpt_path, map_location="cpu", weights_only=False)
    with torch.device("meta"):
        model = build_autoencoder(blob["cfg"])
    model.load_state_dict(blob["state_dict"])
    return model.eval()


@torch.no_grad()
def score_windows(model, windows):
    recon = reconstruct(model, windows)
    return ((recon - windows) ** 2).mean(dim=(1, 2))


def main():
    rng = np.random.default_rng(CFG["seed"])
    train_log = synth_can_log(80, CFG["sample_hz"], rng)
    mu, sd = fit_normalizer(train_log)
    train_w = make_windows(train_log, mu, sd, CFG["window"], CFG["stride"])
    train_autoencoder(CFG, train_w)

    detector = load_for_inference(CFG["ckpt"])
    baseline = score_windows(detector, train_w)
    thresh = torch.quantile(baseline, 0.99).item()

    test_log = synth_can_log(60, CFG["sample_hz"], rng, inject_fault=True)
    test_w = make_windows(test_log, mu, sd, CFG["window"], CFG["stride"])
    scores = score_windows(detector, test_w)
    flagged = (scores > thresh).nonzero().flatten()
    t_sec = flagged * CFG["stride"] / CFG["sample_hz"]
    print(f"threshold {thresh:.4f}; {len(flagged)} anomalous windows at t={t_sec.tolist()}")


if __name__ == "__main__":
    main()
