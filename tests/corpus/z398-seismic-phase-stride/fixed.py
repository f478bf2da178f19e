"""Frame-level seismic phase picking: label each sample of a 3-component seismogram as
noise, P-wave or S-wave arrival window.

A strided conv front end reduces the sample rate before a BiGRU, then a linear layer
scores every frame.
"""
from dataclasses import dataclass

import torch
import torch.nn as nn
import torch.nn.functional as F


@dataclass
class PickerConfig:
    n_channels: int = 3
    n_samples: int = 400
    conv_channels: int = 32
    conv_kernel: int = 4
    conv_stride: int = 2
    gru_hidden: int = 48
    n_phases: int = 3
    batch_size: int = 8
    n_traces: int = 64
    lr: float = 1e-3
    epochs: int = 2
    seed: int = 3


def synth_traces(cfg: PickerConfig):
    g = torch.Generator().manual_seed(cfg.seed)
    waves = 0.1 * torch.randn(cfg.n_traces, cfg.n_channels, cfg.n_samples, generator=g)
    phase_labels = torch.zeros(cfg.n_traces, cfg.n_samples, dtype=torch.long)
    t = torch.arange(cfg.n_samples, dtype=torch.float32)
    for i in range(cfg.n_traces):
        p_at = int(torch.randint(40, 180, (1,), generator=g))
        s_at = p_at + int(torch.randint(60, 150, (1,), generator=g))
        s_at = min(s_at, cfg.n_samples - 20)
        p_env = torch.exp(-((t - p_at).clamp(min=0)) / 30.0) * (t >= p_at)
        s_env = torch.exp(-((t - s_at).clamp(min=0)) / 50.0) * (t >= s_at)
        waves[i, 2] += p_env * torch.sin(0.6 * t)
        waves[i, :2] += 1.5 * s_env * torch.sin(0.3 * t)
        phase_labels[i, p_at : p_at + 20] = 1
        phase_labels[i, s_at : s_at + 20] = 2
    return waves, phase_labels


class PhasePicker(nn.Module):
    def __init__(self, cfg: PickerConfig):
        super().__init__()
        self.frontend = nn.Sequential(
            nn.Conv1d(cfg.n_channels, cfg.conv_channels, cfg.conv_kernel,
                      stride=cfg.conv_stride, padding=(cfg.conv_kernel - cfg.conv_stride) // 2),
            nn.BatchNorm1d(cfg.conv_channels),
            nn.GELU(),
        )
        self.rnn = nn.GRU(cfg.conv_channels, cfg.gru_hidden, batch_first=True, bidirectional=True)
        self.classifier = nn.Linear(2 * cfg.gru_hidden, cfg.n_phases)

    def forward(self, waves):
        feats = self.frontend(waves)
        feats, _ = self.rnn(feats.transpose(1, 2))
        return self.classifier(feats)


def phase_loss(logits, phase_labels, class_weights):
    n_phases = logits.size(-1)
    return F.cross_entropy(
        logits.reshape(-1, n_phases),
        phase_labels.reshape(-1),
        weight=class_weights,
    )


def run(cfg: PickerConfig):
    torch.manual_seed(cfg.seed)
    waves, phase_labels = synth_traces(cfg)
    counts = torch.bincount(phase_labels.flatten(), minlength=cfg.n_phases).float()
    class_weights = counts.sum() / (cfg.n_phases * counts)

    model = PhasePicker(cfg)
    opt = torch.optim.Adam(model.parameters(), lr=cfg.lr)
    for epoch in range(cfg.epochs):
        perm = torch.randperm(cfg.n_traces)
        losses = []
        for start in range(0, cfg.n_traces, cfg.batch_size):
            idx = perm[start : start + cfg.batch_size]
            logits = model(waves[idx])
            frame_labels = phase_labels[idx][:, :: cfg.conv_stride]
            loss = phase_loss(logits, frame_labels, class_weights)
            opt.zero_grad()
            loss.backward()
            opt.step()
            losses.append(loss.item())
        print(f"epoch {epoch}: loss {sum(losses) / len(losses):.4f}")
    return model


if __name__ == "__main__":
    run(PickerConfig())
