"""Margin-sampling active learning for wearable activity recognition.

Variable-length accelerometer windows (x, y, z) are classified by a small
transformer encoder. Each round: train on the labeled windows, score the
unlabeled pool by the margin between the top-2 class probabilities, and
send the lowest-margin windows to the annotator.
"""
import random

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(1)
random.seed(1)

ACTIVITIES = ["walking", "running", "sitting", "stairs"]
N_AXES = 3


def synth_recordings(n):
    windows, acts = [], []
    for _ in range(n):
        act = random.randrange(len(ACTIVITIES))
        steps = random.randint(18, 45)
        t = torch.linspace(0, 6.28, steps).unsqueeze(1)
        freq = 1.0 + act * 0.8
        sig = torch.sin(freq * t + torch.rand(1, N_AXES)) * (0.3 + 0.4 * act)
        windows.append(sig + 0.2 * torch.randn(steps, N_AXES))
        acts.append(act)
    return windows, acts


def pad_windows(batch_windows):
    longest = max(w.shape[0] for w in batch_windows)
    out = torch.zeros(len(batch_windows), longest, N_AXES)
    for k, w in enumerate(batch_windows):
        out[k, :w.shape[0]] = w
    return out


def padding_mask(lengths, width):
    steps = torch.arange(width).unsqueeze(0)
    return steps >= torch.tensor(lengths).unsqueeze(1)


class ActivityNet(nn.Module):
    def __init__(self, d_model=32, n_classes=4):
        super().__init__()
        self.proj = nn.Linear(N_AXES, d_model)
        layer = nn.TransformerEncoderLayer(d_model, nhead=4, dim_feedforward=64,
                                           dropout=0.1, batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, num_layers=2)
        self.out = nn.Linear(d_model, n_classes)

    def forward(self, sig, pad_mask):
        h = self.encoder(self.proj(sig), src_key_padding_mask=pad_mask)
        keep = (~pad_mask).unsqueeze(-1).float()
        pooled = (h * keep).sum(1) / keep.sum(1)
        return self.out(pooled)


def fit(net, windows, acts, labeled, epochs=4, bs=8):
    opt = torch.optim.Adam(net.parameters(), lr=2e-3)
    net.train()
    for _ in range(epochs):
        random.shuffle(labeled)
        for s in range(0, len(labeled), bs):
            part = labeled[s:s + bs]
            sig = pad_windows([windows[i] for i in part])
            mask = padding_mask([windows[i].shape[0] for i in part], sig.shape[1])
            y = torch.tensor([acts[i] for i in part])
            loss = F.cross_entropy(net(sig, mask), y)
            opt.zero_grad()
            loss.backward()
            opt.step()
    return loss.item()


@torch.no_grad()
def margins(net, windows, unlabeled, pool_mask, bs=16):
    net.eval()
    out = []
    for s in range(0, len(unlabeled), bs):
        part = unlabeled[s:s + bs]
        sig = pad_windows([windows[i] for i in part])
        mask = pool_mask[part, :sig.shape[1]]
        p = net(sig, mask).softmax(-1)
        top2 = p.topk(2, dim=-1).values
        out.append(top2[:, 0] - top2[:, 1])
    return torch.cat(out)


def main():
    windows, acts = synth_recordings(150)
    lengths = [w.shape[0] for w in windows]
    pool_mask = padding_mask(lengths, max(lengths))

    order = list(range(len(windows)))
    random.shuffle(order)
    labeled, unlabeled = order[:20], order[20:]
    net = ActivityNet(n_classes=len(ACTIVITIES))

    for rnd in range(5):
        loss = fit(net, windows, acts, labeled)
        m = margins(net, windows, unlabeled, pool_mask)
        query = m.argsort()[:10].tolist()
        newly = {unlabeled[q] for q in query}
        labeled = labeled + sorted(newly)
        unlabeled = [i for i in unlabeled if i not in newly]
        print(f"round {rnd}: train_loss={loss:.3f} min_margin={m.min():.3f} "
              f"labeled={len(labeled)}")

    print("done, annotated", len(labeled), "windows")


if __name__ == "__main__":
    main()
