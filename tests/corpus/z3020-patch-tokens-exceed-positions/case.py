import argparse
import numpy as np
import torch
import torch.nn as nn
from transformers import BertConfig, BertModel

# ERA5-like 2m temperature patch forecaster (one step ahead)
ERA5_GRID = (32, 32)
PATCH = 4
N_TOKENS = (ERA5_GRID[0] // PATCH) * (ERA5_GRID[1] // PATCH)


def parse_config(argv):
    p = argparse.ArgumentParser(description="patch-transformer t2m forecaster")
    p.add_argument("--nlat", type=int, default=32)
    p.add_argument("--nlon", type=int, default=32)
    p.add_argument("--ntime", type=int, default=120)
    p.add_argument("--history", type=int, default=3)
    p.add_argument("--patch", type=int, default=PATCH)
    p.add_argument("--hidden", type=int, default=32)
    p.add_argument("--epochs", type=int, default=2)
    p.add_argument("--batch", type=int, default=8)
    p.add_argument("--lr", type=float, default=1e-3)
    p.add_argument("--seed", type=int, default=7)
    return p.parse_args(argv)


def synthetic_reanalysis(ntime, nlat, nlon, rng):
    lat = np.linspace(60.0, 30.0, nlat)
    lon = np.linspace(-20.0, 40.0, nlon)
    t = np.arange(ntime)[:, None, None]
    base = 288.0 - 0.6 * (lat[None, :, None] - 30.0)
    seasonal = 8.0 * np.sin(2 * np.pi * t / 365.25)
    wave = 2.0 * np.sin(np.deg2rad(lon)[None, None, :] * 3 + t / 5.0)
    noise = rng.normal(0.0, 0.7, size=(ntime, nlat, nlon))
    return (base + seasonal + wave + noise).astype(np.float32), lat, lon


def standardise(field):
    mu = field.mean(axis=0, keepdims=True)
    sd = field.std(axis=0, keepdims=True) + 1e-6
    return (field - mu) / sd, mu, sd


def sliding_windows(field, history):
    xs, ys = [], []
    for i in range(field.shape[0] - history):
        xs.append(field[i:i + history])
        ys.append(field[i + history])
    return np.stack(xs), np.stack(ys)


def patchify(x, patch):
    # x: (B, C, H, W) -> (B, nH*nW, C*patch*patch)
    b, c, h, w = x.shape
    x = x.reshape(b, c, h // patch, patch, w // patch, patch)
    x = x.permute(0, 2, 4, 1, 3, 5)
    return x.reshape(b, (h // patch) * (w // patch), c * patch * patch)


def unpatchify(tokens, patch, h, w):
    b = tokens.shape[0]
    x = tokens.reshape(b, h // patch, w // patch, patch, patch)
    x = x.permute(0, 1, 3, 2, 4)
    return x.reshape(b, h, w)


class PatchForecaster(nn.Module):
    def __init__(self, history, patch, hidden, nlat, nlon):
        super().__init__()
        self.patch, self.nlat, self.nlon = patch, nlat, nlon
        self.proj_in = nn.Linear(history * patch * patch, hidden)
        cfg = BertConfig(
            vocab_size=8,
            hidden_size=hidden,
            num_hidden_layers=1,
            num_attention_heads=2,
            intermediate_size=64,
            max_position_embeddings=N_TOKENS,
            hidden_dropout_prob=0.0,
            attention_probs_dropout_prob=0.0,
        )
        self.encoder = BertModel(cfg, add_pooling_layer=False)
        self.proj_out = nn.Linear(hidden, patch * patch)

    def forward(self, x):
        tok = self.proj_in(patchify(x, self.patch))
        h = self.encoder(inputs_embeds=tok).last_hidden_state
        return unpatchify(self.proj_out(h), self.patch, self.nlat, self.nlon)


def batches(x, y, size, rng):
    idx = rng.permutation(len(x))
    for s in range(0, len(idx), size):
        j = idx[s:s + size]
        yield torch.from_numpy(x[j]), torch.from_numpy(y[j])


def main():
    args = parse_config(["--nlat", "40", "--nlon", "48", "--ntime", "150",
                         "--history", "3", "--epochs", "2"])
    rng = np.random.default_rng(args.seed)
    torch.manual_seed(args.seed)

    t2m, lat, lon = synthetic_reanalysis(args.ntime, args.nlat, args.nlon, rng)
    t2m_n, mu, sd = standardise(t2m)
    x, y = sliding_windows(t2m_n, args.history)
    n_train = int(0.8 * len(x))
    print(f"grid {args.nlat}x{args.nlon}, windows {len(x)}, train {n_train}")

    model = PatchForecaster(args.history, args.patch, args.hidden, args.nlat, args.nlon)
    opt = torch.optim.Adam(model.parameters(), lr=args.lr)
    loss_fn = nn.MSELoss()

    for epoch in range(args.epochs):
        model.train()
        running = []
        for xb, yb in batches(x[:n_train], y[:n_train], args.batch, rng):
            pred = model(xb)
            loss = loss_fn(pred, yb)
            opt.zero_grad()
            loss.backward()
            opt.step()
            running.append(loss.item())
        model.eval()
        with torch.no_grad():
            val = loss_fn(model(torch.from_numpy(x[n_train:])),
                          torch.from_numpy(y[n_train:])).item()
        print(f"epoch {epoch}: train {np.mean(running):.4f} val {val:.4f}")

    rmse_k = float(np.sqrt(val) * sd.mean())
    print(f"approx val RMSE: {rmse_k:.2f} K")


if __name__ == "__main__":
    main()
