"""Bird-call onset detection on field recordings.

Mel spectrogram frames (hop 10 ms) -> Conv1d (stride 2) -> LSTM -> per-frame onset probability,
followed by classic peak picking to turn the activation curve into onset times.
"""
import torch
import torch.nn as nn
from torch.nn.utils.rnn import pad_sequence

torch.manual_seed(11)

N_MELS = 64
HOP_S = 0.010


def synth_field_clip(n_frames, n_calls):
    spec = 0.3 * torch.rand(n_frames, N_MELS)
    onset_frames = torch.randint(5, n_frames - 20, (n_calls,))
    target = torch.zeros(n_frames)
    for f in onset_frames.tolist():
        band = torch.randint(10, N_MELS - 10, ()).item()
        spec[f : f + 15, band - 4 : band + 4] += torch.linspace(1.5, 0.2, min(15, n_frames - f)).unsqueeze(1)
        target[f] = 1.0
    return spec.log1p(), target


class OnsetNet(nn.Module):
    time_stride = 2

    def __init__(self, channels=48, hidden=32):
        super().__init__()
        self.conv = nn.Conv1d(N_MELS, channels, kernel_size=4, stride=self.time_stride, padding=1)
        self.lstm = nn.LSTM(channels, hidden, batch_first=True)
        self.out = nn.Linear(hidden, 1)

    def encoded_lengths(self, spec_lengths):
        return (spec_lengths + 2 - 4) // self.time_stride + 1

    def forward(self, spec):
        x = torch.relu(self.conv(spec.transpose(1, 2))).transpose(1, 2)
        h, _ = self.lstm(x)
        return self.out(h).squeeze(-1)


def make_batch(frame_counts):
    specs, targets = zip(*(synth_field_clip(n, n_calls=3) for n in frame_counts))
    spec_lengths = torch.tensor(frame_counts)
    return pad_sequence(specs, batch_first=True), pad_sequence(targets, batch_first=True), spec_lengths


def train_briefly(model, steps=5):
    opt = torch.optim.Adam(model.parameters(), lr=2e-3)
    bce = nn.BCEWithLogitsLoss()
    for _ in range(steps):
        spec, target, spec_lengths = make_batch([240, 200, 260, 220])
        logits = model(spec)
        frame_target = target[:, :: model.time_stride][:, : logits.shape[1]]
        loss = bce(logits, frame_target)
        opt.zero_grad()
        loss.backward()
        opt.step()
    return loss.item()


def pick_peaks(curve, n_frames, threshold=0.5, min_gap=3):
    peaks = []
    last = -min_gap
    for t in range(1, n_frames - 1):
        v = curve[t]
        if v >= threshold and v > curve[t - 1] and v >= curve[t + 1] and t - last >= min_gap:
            peaks.append(t)
            last = t
    return peaks


@torch.no_grad()
def detect_onsets(model, spec, spec_lengths, threshold=0.5):
    model.eval()
    onset_probs = torch.sigmoid(model(spec))
    results = []
    for i in range(spec.shape[0]):
        n_frames = int(spec_lengths[i])
        peaks = pick_peaks(onset_probs[i], n_frames, threshold=threshold)
        results.append([round(p * model.time_stride * HOP_S, 3) for p in peaks])
    return results


def main():
    model = OnsetNet()
    print("final train loss:", round(train_briefly(model), 4))
    spec, _, spec_lengths = make_batch([310, 180, 275])
    onsets = detect_onsets(model, spec, spec_lengths, threshold=0.05)
    for i, times in enumerate(onsets):
        print(f"clip {i}: {len(times)} onsets -> {times[:6]}")


if __name__ == "__main__":
    main()
