"""Fingerspelling letter classifier: spatial graph convolution over a 21-joint hand skeleton
(plus a derived palm-centre joint) followed by temporal convolutions over frames.
"""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

CONFIG = {
    "seed": 5,
    "letters": list("ABCDEFGH"),
    "clips_per_letter": 6,
    "frames": 32,
    "channels": [3, 32, 64],
    "t_kernel": 9,
    "batch_size": 8,
    "lr": 1e-3,
    "epochs": 3,
}

FINGERS = [[0, 1, 2, 3, 4], [0, 5, 6, 7, 8], [0, 9, 10, 11, 12], [0, 13, 14, 15, 16], [0, 17, 18, 19, 20]]
PALM_CENTRE = 21
NUM_NODES = 22


def hand_edges():
    edges = []
    for chain in FINGERS:
        edges += list(zip(chain[:-1], chain[1:]))
    edges += [(5, 9), (9, 13), (13, 17)]
    return edges


def normalized_adjacency(edges, num_nodes):
    A = np.eye(num_nodes, dtype=np.float64)
    for i, j in edges:
        A[i, j] = 1.0
        A[j, i] = 1.0
    D = np.diag(A.sum(axis=1))
    D_inv_sqrt = np.linalg.inv(np.sqrt(D))
    return (D_inv_sqrt @ A @ D_inv_sqrt).astype(np.float32)


def add_palm_centre(clip):
    palm = clip[:, [0, 5, 9, 13, 17]].mean(axis=1, keepdims=True)
    return np.concatenate([clip, palm], axis=1)


def synth_letter_clip(rng, letter_idx, frames):
    base = rng.normal(0, 0.05, size=(21, 3))
    curl = (letter_idx + 1) / len(CONFIG["letters"])
    for f, chain in enumerate(FINGERS):
        for k, j in enumerate(chain[1:], start=1):
            base[j] += np.array([0.1 * (f - 2), 0.15 * k * (1 - curl), 0.05 * k * curl])
    wobble = 0.01 * np.sin(np.linspace(0, 4 * np.pi, frames))[:, None, None]
    clip = base[None] + wobble + rng.normal(0, 0.005, size=(frames, 21, 3))
    return add_palm_centre(clip.astype(np.float32))


def make_dataset(cfg):
    rng = np.random.default_rng(cfg["seed"])
    xs, ys = [], []
    for li, _ in enumerate(cfg["letters"]):
        for _ in range(cfg["clips_per_letter"]):
            xs.append(synth_letter_clip(rng, li, cfg["frames"]))
            ys.append(li)
    return np.stack(xs), np.array(ys)


def batches(X, y, batch_size, rng):
    idx = rng.permutation(len(X))
    for s in range(0, len(idx), batch_size):
        b = idx[s:s + batch_size]
        yield torch.from_numpy(X[b]).permute(0, 3, 1, 2), torch.from_numpy(y[b])


class STBlock(nn.Module):
    def __init__(self, c_in, c_out, A, t_kernel):
        super().__init__()
        self.register_buffer("A", torch.from_numpy(A))
        self.spatial = nn.Conv2d(c_in, c_out, kernel_size=1)
        self.temporal = nn.Conv2d(c_out, c_out, kernel_size=(t_kernel, 1), padding=(t_kernel // 2, 0))
        self.bn = nn.BatchNorm2d(c_out)
        self.res = nn.Conv2d(c_in, c_out, kernel_size=1) if c_in != c_out else nn.Identity()

    def forward(self, x):
        h = torch.einsum("nctv,vw->nctw", self.spatial(x), self.A)
        h = self.bn(self.temporal(F.relu(h)))
        return F.relu(h + self.res(x))


class FingerspellNet(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        A = normalized_adjacency(hand_edges(), NUM_NODES)
        chans = cfg["channels"]
        self.blocks = nn.Sequential(*[STBlock(a, b, A, cfg["t_kernel"]) for a, b in zip(chans[:-1], chans[1:])])
        self.fc = nn.Linear(chans[-1], len(cfg["letters"]))

    def forward(self, x):
        return self.fc(self.blocks(x).mean(dim=(2, 3)))


def fit(cfg):
    torch.manual_seed(cfg["seed"])
    rng = np.random.default_rng(cfg["seed"])
    X, y = make_dataset(cfg)
    net = FingerspellNet(cfg)
    opt = torch.optim.Adam(net.parameters(), lr=cfg["lr"])
    for epoch in range(cfg["epochs"]):
        net.train()
        stats = {"loss": 0.0, "hits": 0}
        for xb, yb in batches(X, y, cfg["batch_size"], rng):
            logits = net(xb)
            loss = F.cross_entropy(logits, yb)
            opt.zero_grad()
            loss.backward()
            opt.step()
            stats["loss"] += loss.item() * len(yb)
            stats["hits"] += int((logits.argmax(1) == yb).sum())
        print(f"epoch {epoch}: loss {stats['loss'] / len(X):.4f} acc {stats['hits'] / len(X):.3f}")
    return net


if __name__ == "__main__":
    fit(CONFIG)
