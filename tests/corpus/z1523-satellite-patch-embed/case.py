"""Land-cover tile classifier: a one-block patch transformer for multispectral satellite chips."""
import argparse
import json
import os
import sys
import tempfile

import torch
import torch.nn as nn

RUN_DIR = os.path.join(tempfile.gettempdir(), "landcover_vit")
PARAMS_PATH = os.path.join(RUN_DIR, "landcover_params.json")

PARAMS = {
    "bands": 4,
    "chip_px": 32,
    "patch_px": 8,
    "embed_dim": 64,
    "n_heads": 4,
    "classes": ["water", "forest", "cropland", "urban", "bare"],
    "chips": 40,
    "batch": 8,
    "epochs": 2,
    "lr": 1e-3,
    "seed": 11,
}


def save_params(path=PARAMS_PATH):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as fh:
        json.dump(PARAMS, fh, indent=2)
    return path


def load_params(path, args):
    with open(path) as fh:
        params = json.load(fh)
    params.update({k: v for k, v in vars(args).items() if v is not None and k in params})
    return params


def chips_to_patches(chips, patch_px):
    b, bands, h, w = chips.shape
    rows, cols = h // patch_px, w // patch_px
    grid = chips.reshape(b, bands, rows, patch_px, cols, patch_px)
    grid = grid.permute(0, 2, 4, 1, 3, 5)
    return grid.view(b, rows * cols, bands * patch_px * patch_px)


class TileClassifier(nn.Module):
    def __init__(self, params):
        super().__init__()
        self.patch_px = params["patch_px"]
        n_patches = (params["chip_px"] // self.patch_px) ** 2
        patch_dim = params["bands"] * self.patch_px ** 2
        self.project = nn.Linear(patch_dim, params["embed_dim"])
        self.pos = nn.Parameter(torch.zeros(1, n_patches, params["embed_dim"]))
        self.block = nn.TransformerEncoderLayer(
            params["embed_dim"], params["n_heads"], dim_feedforward=2 * params["embed_dim"], batch_first=True
        )
        self.head = nn.Linear(params["embed_dim"], len(params["classes"]))

    def forward(self, chips):
        tokens = self.project(chips_to_patches(chips, self.patch_px)) + self.pos
        tokens = self.block(tokens)
        return self.head(tokens.mean(dim=1))


def fake_chips(params, gen):
    n, k = params["chips"], len(params["classes"])
    cover = torch.randint(0, k, (n,), generator=gen)
    base = torch.randn(n, params["bands"], params["chip_px"], params["chip_px"], generator=gen)
    signature = torch.linspace(-1, 1, k)[cover].view(n, 1, 1, 1)
    return base * 0.5 + signature, cover


def train(params):
    torch.manual_seed(params["seed"])
    gen = torch.Generator().manual_seed(params["seed"])
    chips, cover = fake_chips(params, gen)
    net = TileClassifier(params)
    opt = torch.optim.AdamW(net.parameters(), lr=params["lr"])
    loss_fn = nn.CrossEntropyLoss()
    for epoch in range(params["epochs"]):
        order = torch.randperm(len(chips), generator=gen)
        running = 0.0
        for i in range(0, len(order), params["batch"]):
            idx = order[i:i + params["batch"]]
            logits = net(chips[idx])
            loss = loss_fn(logits, cover[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
            running += loss.item() * len(idx)
        print(f"epoch {epoch} mean loss {running / len(chips):.4f}")
    return net


def summarize(params):
    gen = torch.Generator().manual_seed(params["seed"])
    chips, cover = fake_chips(params, gen)
    counts = torch.bincount(cover, minlength=len(params["classes"]))
    for name, c in zip(params["classes"], counts.tolist()):
        print(f"{name:>9}: {c}")
    print("chip tensor", tuple(chips.shape))


def parse(argv):
    parser = argparse.ArgumentParser(description=__doc__)
    sub = parser.add_subparsers(dest="task", required=True)
    fit = sub.add_parser("fit")
    fit.add_argument("--epochs", type=int)
    fit.add_argument("--patch-px", dest="patch_px", type=int)
    fit.add_argument("--lr", type=float)
    stats = sub.add_parser("stats")
    stats.add_argument("--chips", type=int)
    return parser.parse_args(argv)


def main(argv=None):
    args = parse(sys.argv[1:] if argv is None else argv)
    params = load_params(save_params(), args)
    if args.task == "fit":
        train(params)
    else:
        summarize(params)


if __name__ == "__main__":
    if len(sys.argv) == 1:
        sys.argv += ["fit", "--epochs", "2"]
    main()
