# LIBS oxide regression for rover targets.
# Stage 1 pretrains a spectral encoder on the lab calibration library (cached to disk),
# stage 2 puts a major-oxide regression head on top and fine-tunes on rover spectra.
import os
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))

cfg = {
    "seed": 3,
    "n_channels": 3 * 240,          # UV + VIO + VNIR spectrometers, binned
    "oxides": ["SiO2", "TiO2", "Al2O3", "FeOT", "MgO", "CaO", "Na2O", "K2O"],
    "latent": 64,
    "hidden": 256,
    "encoder_ckpt": os.path.join(HERE, "libs_encoder_lab.pt"),
    "init_device": "meta",          # encoder weights come from the checkpoint anyway
    "pretrain_steps": 60,
    "finetune_epochs": 4,
    "batch_size": 32,
    "lr": 1e-3,
}

torch.manual_seed(cfg["seed"])
rng = np.random.default_rng(cfg["seed"])

wl = np.linspace(240.0, 850.0, cfg["n_channels"])
line_centres = rng.uniform(250, 840, size=(len(cfg["oxides"]), 6))


def synth_spectra(n, noise=0.02):
    comp = rng.dirichlet(np.ones(len(cfg["oxides"])) * 2.0, size=n) * 100.0
    spec = np.zeros((n, cfg["n_channels"]))
    for k in range(len(cfg["oxides"])):
        for c in line_centres[k]:
            spec += comp[:, k:k + 1] * np.exp(-0.5 * ((wl - c) / 0.8) ** 2)[None, :]
    spec += rng.normal(0, noise * spec.max(), spec.shape)
    spec = spec / spec.sum(axis=1, keepdims=True)    # total-emission normalisation
    return spec.astype(np.float32), comp.astype(np.float32)


def make_encoder():
    return nn.Sequential(
        nn.Linear(cfg["n_channels"], cfg["hidden"]),
        nn.LayerNorm(cfg["hidden"]),
        nn.GELU(),
        nn.Linear(cfg["hidden"], cfg["latent"]),
    )


def pretrain_encoder_if_needed():
    if os.path.exists(cfg["encoder_ckpt"]):
        return
    lab_x, _ = synth_spectra(512, noise=0.01)
    lab_x = torch.from_numpy(lab_x) * cfg["n_channels"]
    enc = make_encoder()
    dec = nn.Linear(cfg["latent"], cfg["n_channels"])
    opt = torch.optim.Adam(list(enc.parameters()) + list(dec.parameters()), lr=2e-3)
    for step in range(cfg["pretrain_steps"]):
        idx = torch.randint(0, lab_x.size(0), (64,))
        x = lab_x[idx]
        masked = x * (torch.rand_like(x) > 0.15)
        loss = F.mse_loss(dec(enc(masked)), x)
        opt.zero_grad()
        loss.backward()
        opt.step()
    torch.save(enc.state_dict(), cfg["encoder_ckpt"])
    print(f"pretrained lab encoder, final recon loss {loss.item():.4f}")


def build_regressor():
    with torch.device(cfg["init_device"]):
        encoder = make_encoder()
    state = torch.load(cfg["encoder_ckpt"], map_location="cpu")
    encoder.load_state_dict(state, assign=True)
    head = nn.Sequential(nn.Dropout(0.1), nn.Linear(cfg["latent"], len(cfg["oxides"])))
    return nn.ModuleDict({"encoder": encoder, "head": head})


def predict_wt_percent(model, spectra):
    z = model["encoder"](spectra * cfg["n_channels"])
    return F.softmax(model["head"](z), dim=-1) * 100.0


def rmsep(model, x, y):
    model.eval()
    with torch.no_grad():
        pred = predict_wt_percent(model, x)
    model.train()
    return torch.sqrt(((pred - y) ** 2).mean(0))


def main():
    pretrain_encoder_if_needed()

    rover_x, rover_y = synth_spectra(400)
    x_tr, y_tr = torch.from_numpy(rover_x[:320]), torch.from_numpy(rover_y[:320])
    x_va, y_va = torch.from_numpy(rover_x[320:]), torch.from_numpy(rover_y[320:])

    model = build_regressor()
    opt = torch.optim.AdamW(model.parameters(), lr=cfg["lr"])

    n = x_tr.size(0)
    for epoch in range(cfg["finetune_epochs"]):
        perm = torch.randperm(n)
        total = 0.0
        for i in range(0, n, cfg["batch_size"]):
            idx = perm[i:i + cfg["batch_size"]]
            pred = predict_wt_percent(model, x_tr[idx])
            loss = F.smooth_l1_loss(pred, y_tr[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item() * idx.numel()
        per_oxide = rmsep(model, x_va, y_va)
        summary = ", ".join(f"{o}={v:.2f}" for o, v in zip(cfg["oxides"], per_oxide.tolist()))
        print(f"epoch {epoch}: train {total / n:.3f} | RMSEP wt% {summary}")


if __name__ == "__main__":
    main()
