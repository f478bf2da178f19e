# phase picker (P / S / noise per sample) on 3-component waveforms
# dry run: build everything on the meta device first to check shapes + memory budget
# before queueing the real job (DEVICE -> "cuda" on the cluster)
import math

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(3)

DEVICE = torch.device("meta")
FS = 100            # Hz
WIN_S = 1           # seconds per window
N_SAMP = FS * WIN_S
N_CH = 3            # Z, N, E
N_CLS = 3           # noise, P, S
BATCH = 16
WIDTHS = [8, 16, 32, 32]


class PickNet(nn.Module):
    def __init__(self, widths, k=7):
        super().__init__()
        enc, c_in = [], N_CH
        for w in widths:
            enc += [nn.Conv1d(c_in, w, k, padding=k // 2), nn.BatchNorm1d(w), nn.ReLU()]
            c_in = w
        self.enc = nn.Sequential(*enc)
        self.rnn = nn.LSTM(c_in, c_in, batch_first=True, bidirectional=True)
        self.out = nn.Conv1d(2 * c_in, N_CLS, 1)

    def forward(self, wav):
        # demean + cosine taper so the window edges don't ring
        wav = wav - wav.mean(-1, keepdim=True)
        taper = torch.hann_window(wav.shape[-1], periodic=False)
        wav = wav * taper
        # per-trace std normalisation
        wav = wav / (wav.std(-1, keepdim=True) + 1e-6)
        h = self.enc(wav)                            # (B, C, T)
        h, _ = self.rnn(h.transpose(1, 2))           # (B, T, 2C)
        return self.out(h.transpose(1, 2))           # (B, N_CLS, T)


net = PickNet(WIDTHS).to(DEVICE)
n_params = sum(p.numel() for p in net.parameters())
print(f"PickNet: {n_params:,} params, window {WIN_S}s @ {FS}Hz -> {N_SAMP} samples")

# fake batch with the same shapes as the SeisBench loader output
wave = torch.randn(BATCH, N_CH, N_SAMP, device=DEVICE)
p_idx = torch.randint(10, 50, (BATCH,), device=DEVICE)
target = torch.zeros(BATCH, N_SAMP, dtype=torch.long, device=DEVICE)
rows = torch.arange(BATCH, device=DEVICE)
target[rows, p_idx] = 1
target[rows, p_idx + 40] = 2

opt = torch.optim.AdamW(net.parameters(), lr=1e-3, weight_decay=1e-4)

net.train()
logits = net(wave)
print("logits", tuple(logits.shape), logits.device)
loss = F.cross_entropy(logits, target, weight=torch.tensor([0.05, 1.0, 1.0], device=DEVICE))
loss.backward()
opt.step()

# rough activation budget for the real batch size (fp32)
REAL_BATCH = 256
act = REAL_BATCH * N_SAMP * (sum(WIDTHS) * 3 + 4 * WIDTHS[-1] + N_CLS) * 4
print(f"approx activations @bs={REAL_BATCH}: {act / 2**30:.2f} GiB")
print(f"grad shapes ok: {all(p.grad is not None and p.grad.shape == p.shape for p in net.parameters())}")
print(f"steps/epoch @bs={REAL_BATCH} for 1.2M windows: {math.ceil(1.2e6 / REAL_BATCH)}")
