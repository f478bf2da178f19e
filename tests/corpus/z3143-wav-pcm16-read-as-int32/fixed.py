import os
import wave
import math
import tempfile
import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import Dataset, DataLoader

SAMPLE_RATE = 16000
FRAME_LEN = 400
FRAME_HOP = 160
N_FILT = 40
ALPHABET = "_ abcdefghijklmnopqrstuvwxyz"
BLANK_ID = ALPHABET.index("_")

rng = np.random.default_rng(11)
torch.manual_seed(11)


def write_corpus(root, n_utts):
    manifest = []
    phrases = ["open the door", "read the news", "what time is it", "next song", "volume up"]
    for k in range(n_utts):
        secs = rng.uniform(0.7, 1.5)
        n = int(secs * SAMPLE_RATE)
        t = np.arange(n) / SAMPLE_RATE
        tone = 0.3 * np.sin(2 * math.pi * rng.uniform(120, 300) * t) + 0.05 * rng.standard_normal(n)
        pcm = np.clip(tone * 32767, -32768, 32767).astype(np.int16)
        path = os.path.join(root, f"utt{k:03d}.wav")
        with wave.open(path, "wb") as w:
            w.setnchannels(1)
            w.setsampwidth(2)
            w.setframerate(SAMPLE_RATE)
            w.writeframes(pcm.tobytes())
        manifest.append((path, phrases[k % len(phrases)]))
    return manifest


def load_wav(path):
    with wave.open(path, "rb") as w:
        assert w.getframerate() == SAMPLE_RATE
        raw = w.readframes(w.getnframes())
    samples = np.frombuffer(raw, dtype=np.int16).astype(np.float32) / 32768.0
    return torch.from_numpy(samples)


def fbank(wav):
    wav = torch.cat([wav[:1], wav[1:] - 0.97 * wav[:-1]])
    frames = wav.unfold(-1, FRAME_LEN, FRAME_HOP) * torch.hann_window(FRAME_LEN)
    mag = torch.fft.rfft(frames, n=512).abs() ** 2
    edges = torch.logspace(math.log10(2), math.log10(mag.shape[-1]), N_FILT + 1).long()
    out = torch.stack([mag[:, lo:max(hi, lo + 1)].sum(-1) for lo, hi in zip(edges[:-1], edges[1:])], -1)
    return torch.log(out + 1e-8)


class WavDataset(Dataset):
    def __init__(self, manifest):
        self.manifest = manifest

    def __len__(self):
        return len(self.manifest)

    def __getitem__(self, i):
        path, text = self.manifest[i]
        feats = fbank(load_wav(path))
        labels = torch.tensor([ALPHABET.index(ch) for ch in text])
        return feats, labels


def pad_batch(samples):
    samples = sorted(samples, key=lambda s: s[0].shape[0], reverse=True)
    xs, ys = zip(*samples)
    return (nn.utils.rnn.pad_sequence(xs, batch_first=True),
            torch.tensor([x.shape[0] for x in xs]),
            nn.utils.rnn.pad_sequence(ys, batch_first=True),
            torch.tensor([y.shape[0] for y in ys]))


class CRNN(nn.Module):
    def __init__(self, n_in, n_out, hidden=64):
        super().__init__()
        self.conv = nn.Sequential(
            nn.Conv1d(n_in, hidden, 5, stride=2, padding=2), nn.BatchNorm1d(hidden), nn.ReLU(),
            nn.Conv1d(hidden, hidden, 5, stride=2, padding=2), nn.BatchNorm1d(hidden), nn.ReLU(),
        )
        self.lstm = nn.LSTM(hidden, hidden, batch_first=True, bidirectional=True)
        self.fc = nn.Linear(2 * hidden, n_out)

    def forward(self, x, lens):
        x = self.conv(x.transpose(1, 2)).transpose(1, 2)
        lens = (lens + 1) // 2
        lens = (lens + 1) // 2
        x, _ = self.lstm(x)
        return self.fc(x).log_softmax(-1), lens


def decode(lp, lens):
    res = []
    for seq, n in zip(lp.argmax(-1), lens):
        prev, chars = BLANK_ID, []
        for i in seq[:n].tolist():
            if i != prev and i != BLANK_ID:
                chars.append(ALPHABET[i])
            prev = i
        res.append("".join(chars))
    return res


def run(root):
    manifest = write_corpus(root, 12)
    loader = DataLoader(WavDataset(manifest), batch_size=4, shuffle=True, collate_fn=pad_batch)
    net = CRNN(N_FILT, len(ALPHABET))
    opt = torch.optim.SGD(net.parameters(), lr=0.05, momentum=0.9)
    loss_fn = nn.CTCLoss(blank=BLANK_ID, zero_infinity=True)
    for ep in range(3):
        for x, xl, y, yl in loader:
            lp, ol = net(x, xl)
            loss = loss_fn(lp.transpose(0, 1), y, ol, yl)
            opt.zero_grad()
            loss.backward()
            opt.step()
        print(f"ep {ep} loss {loss.item():.3f}")
    net.eval()
    with torch.no_grad():
        x, xl, y, yl = pad_batch([WavDataset(manifest)[i] for i in range(3)])
        print(decode(*net(x, xl)))


if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as d:
        run(d)
