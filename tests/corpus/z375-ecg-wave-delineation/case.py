"""ECG wave delineation: label every sample of a single-lead trace as
background / P wave / QRS complex / T wave.

Written in a functional style (parameters in a dict, plain functions for the
network) so it can be ported to an embedded inference runtime later.
"""
import math

import torch
import torch.nn.functional as F

FS = 250                 # sampling rate, Hz
WINDOW_S = 2.0
WAVE_CLASSES = ["bg", "P", "QRS", "T"]
HPARAMS = dict(channels=16, kernel=9, batch=8, steps=1, lr=5e-3, seed=3)


def synth_ecg(n_records, gen):
    n = int(FS * WINDOW_S)
    t = torch.arange(n) / FS
    traces = torch.zeros(n_records, n)
    labels = torch.zeros(n_records, n, dtype=torch.long)
    for r in range(n_records):
        hr = 60 + 40 * torch.rand(1, generator=gen).item()
        rr = 60.0 / hr
        beat = torch.rand(1, generator=gen).item() * rr
        while beat < WINDOW_S:
            for cls, offset, width, amp in ((1, -0.16, 0.04, 0.15), (2, 0.0, 0.015, 1.0), (3, 0.25, 0.06, 0.3)):
                centre = beat + offset
                traces[r] += amp * torch.exp(-0.5 * ((t - centre) / width) ** 2)
                labels[r, (t - centre).abs() < 2 * width] = cls
            beat += rr
        traces[r] += 0.05 * torch.randn(n, generator=gen)
        traces[r] += 0.1 * torch.sin(2 * math.pi * 0.3 * t + r)
    return traces.unsqueeze(1), labels


def init_params(hp, gen):
    c, k = hp["channels"], hp["kernel"]

    def w(*shape):
        fan_in = math.prod(shape[1:])
        return (torch.randn(*shape, generator=gen) / math.sqrt(fan_in)).requires_grad_()

    return {
        "conv1.w": w(c, 1, k), "conv1.b": torch.zeros(c, requires_grad=True),
        "conv2.w": w(c, c, k), "conv2.b": torch.zeros(c, requires_grad=True),
        "conv3.w": w(c, c, k), "conv3.b": torch.zeros(c, requires_grad=True),
        "head.w": w(len(WAVE_CLASSES), c), "head.b": torch.zeros(len(WAVE_CLASSES), requires_grad=True),
    }


def delineate(params, x):
    pad = params["conv1.w"].shape[-1] // 2
    h = F.relu(F.conv1d(x, params["conv1.w"], params["conv1.b"], padding=pad))
    h = F.relu(F.conv1d(h, params["conv2.w"], params["conv2.b"], padding=2 * pad, dilation=2))
    h = F.relu(F.conv1d(h, params["conv3.w"], params["conv3.b"], padding=4 * pad, dilation=4))
    h = h.transpose(1, 2)
    return F.linear(h, params["head.w"], params["head.b"])


def class_weights(labels):
    counts = torch.bincount(labels.flatten(), minlength=len(WAVE_CLASSES)).float()
    return counts.sum() / (len(WAVE_CLASSES) * counts.clamp(min=1))


def segmentation_loss(logits, wave_labels, weights):
    return F.cross_entropy(logits, wave_labels, weight=weights)


def per_class_f1(logits, wave_labels):
    pred = logits.argmax(-1)
    scores = {}
    for k, name in enumerate(WAVE_CLASSES):
        tp = ((pred == k) & (wave_labels == k)).sum().item()
        fp = ((pred == k) & (wave_labels != k)).sum().item()
        fn = ((pred != k) & (wave_labels == k)).sum().item()
        scores[name] = 2 * tp / max(2 * tp + fp + fn, 1)
    return scores


def main():
    gen = torch.Generator().manual_seed(HPARAMS["seed"])
    train_x, train_y = synth_ecg(8, gen)
    test_x, test_y = synth_ecg(4, gen)
    weights = class_weights(train_y)

    params = init_params(HPARAMS, gen)
    opt = torch.optim.Adam(params.values(), lr=HPARAMS["lr"])
    for step in range(HPARAMS["steps"]):
        idx = torch.randint(0, train_x.shape[0], (HPARAMS["batch"],), generator=gen)
        logits = delineate(params, train_x[idx])
        loss = segmentation_loss(logits, train_y[idx], weights)
        opt.zero_grad()
        loss.backward()
        opt.step()
        if step % 10 == 0:
            print(f"step {step:3d} loss {loss.item():.4f}")

    with torch.no_grad():
        f1 = per_class_f1(delineate(params, test_x), test_y)
    print("test F1:", {k: round(v, 3) for k, v in f1.items()})


if __name__ == "__main__":
    main()
