"""Gearbox run-to-failure: window triaxial accelerometer traces and train a small 1D CNN
to flag windows that overlap a logged fault interval.
"""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(11)

SAMPLE_RATE_HZ = 2_000
RUN_SECONDS = 3.2
WIN_LEN = 256
HOP = 128
AXES = ("x", "y", "z")

# Fault intervals from the CMMS log, in seconds from the start of the recording.
FAULT_LOG = {
    "GBX-07": [(1.10, 1.45), (2.60, 3.20)],
    "GBX-12": [(0.40, 0.70)],
}


def synth_trace(machine_id, n_samples):
    t = torch.arange(n_samples) / SAMPLE_RATE_HZ
    mesh = 0.8 * torch.sin(2 * math.pi * 310.0 * t)
    trace = torch.stack([mesh + 0.05 * torch.randn(n_samples) for _ in AXES])
    for start_s, end_s in FAULT_LOG[machine_id]:
        a, b = int(start_s * SAMPLE_RATE_HZ), int(end_s * SAMPLE_RATE_HZ)
        impacts = (torch.rand(b - a) > 0.97).float() * 2.5
        trace[:, a:b] += impacts
    return trace


def fault_mask(machine_id, n_samples):
    mask = torch.zeros(n_samples, dtype=torch.bool)
    for start_s, end_s in FAULT_LOG[machine_id]:
        mask[int(start_s * SAMPLE_RATE_HZ):int(end_s * SAMPLE_RATE_HZ)] = True
    return mask


def make_windows(trace):
    # (axes, samples) -> (n_windows, axes, WIN_LEN)
    return trace.unfold(1, WIN_LEN, HOP).permute(1, 0, 2).contiguous()


def label_windows(mask, window_labels, n_steps):
    for w in range(n_steps):
        seg = mask[w * HOP: w * HOP + WIN_LEN]
        window_labels[w] = seg.float().mean() > 0.25
    return window_labels


class VibCNN(nn.Module):
    def __init__(self, n_axes):
        super().__init__()
        self.conv1 = nn.Conv1d(n_axes, 16, kernel_size=9, stride=2, padding=4)
        self.conv2 = nn.Conv1d(16, 32, kernel_size=9, stride=2, padding=4)
        self.head = nn.Linear(32, 1)

    def forward(self, x):
        x = F.relu(self.conv1(x))
        x = F.relu(self.conv2(x))
        x = x.abs().mean(dim=-1)
        return self.head(x).squeeze(-1)


def build_dataset():
    n_samples = int(RUN_SECONDS * SAMPLE_RATE_HZ)
    all_windows, all_labels = [], []
    for machine_id in FAULT_LOG:
        trace = synth_trace(machine_id, n_samples)
        windows = make_windows(trace)
        labels = torch.zeros(windows.shape[0], dtype=torch.bool)
        labels = label_windows(fault_mask(machine_id, n_samples), labels, n_samples // HOP)
        all_windows.append(windows)
        all_labels.append(labels)
        print(f"{machine_id}: {windows.shape[0]} windows, {int(labels.sum())} faulty")
    return torch.cat(all_windows), torch.cat(all_labels).float()


def main():
    windows, labels = build_dataset()
    mu = windows.mean(dim=(0, 2), keepdim=True)
    sd = windows.std(dim=(0, 2), keepdim=True)
    windows = (windows - mu) / sd

    model = VibCNN(len(AXES))
    opt = torch.optim.Adam(model.parameters(), lr=2e-3)
    pos_weight = (labels.numel() - labels.sum()) / labels.sum().clamp(min=1)

    for epoch in range(15):
        perm = torch.randperm(windows.shape[0])
        for i in range(0, len(perm), 16):
            idx = perm[i:i + 16]
            logits = model(windows[idx])
            loss = F.binary_cross_entropy_with_logits(logits, labels[idx], pos_weight=pos_weight)
            opt.zero_grad()
            loss.backward()
            opt.step()
        if epoch % 5 == 4:
            print(f"epoch {epoch + 1} loss {loss.item():.4f}")

    with torch.no_grad():
        pred = (torch.sigmoid(model(windows)) > 0.5).float()
    acc = (pred == labels).float().mean().item()
    print(f"window accuracy {acc:.3f}")


if __name__ == "__main__":
    main()
