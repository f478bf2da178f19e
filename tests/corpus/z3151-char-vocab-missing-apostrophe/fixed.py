import csv
import os
import re
import string

import numpy as np
import torch
import torch.nn as nn
from torch.nn.utils.rnn import pad_sequence
from torch.utils.data import DataLoader, Dataset

HERE = os.path.dirname(os.path.abspath(__file__))
MANIFEST = os.path.join(HERE, "train_manifest.tsv")
SR = 8000
N_FFT, HOP, N_MELS = 256, 80, 32


def write_manifest(path, n_utts, rng):
    sentences = [
        "Turn the lights OFF.", "What's the weather, today?", "Call mom!", "Don't stop the music",
        "Play some jazz", "Set a timer; ten minutes", "It's raining again", "Open the garage door",
    ]
    with open(path, "w", newline="") as fh:
        w = csv.writer(fh, delimiter="\t")
        w.writerow(["utt_id", "seed", "duration", "transcript"])
        for i in range(n_utts):
            w.writerow([f"utt{i:04d}", int(rng.integers(1 << 30)), round(float(rng.uniform(0.5, 1.5)), 3),
                        sentences[int(rng.integers(len(sentences)))]])


def normalise(text):
    text = text.lower()
    text = re.sub(r"[^a-z' ]+", " ", text)
    return re.sub(r"\s+", " ", text).strip()


def make_text_codec(alphabet, blank="_"):
    symbols = [blank] + list(alphabet)
    lookup = {s: i for i, s in enumerate(symbols)}

    def encode(text):
        return [lookup[ch] for ch in normalise(text)]

    def decode(ids):
        return "".join(symbols[i] for i in ids)

    return encode, decode, len(symbols)


encode, decode, VOCAB = make_text_codec(" '" + string.ascii_lowercase)


def log_mel_frames(wave):
    frames = torch.nn.functional.pad(wave, (N_FFT // 2, N_FFT // 2)).unfold(0, N_FFT, HOP)
    power = torch.fft.rfft(frames * torch.hann_window(N_FFT), dim=-1).abs() ** 2
    fb = torch.relu(1 - torch.abs(torch.linspace(0, N_MELS - 1, power.shape[-1])[None, :]
                                  - torch.arange(N_MELS, dtype=torch.float32)[:, None]))
    return torch.log(power @ fb.T + 1e-6)


class ManifestDataset(Dataset):
    def __init__(self, path):
        with open(path, newline="") as fh:
            self.rows = list(csv.DictReader(fh, delimiter="\t"))

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, idx):
        row = self.rows[idx]
        g = np.random.default_rng(int(row["seed"]))
        wave = torch.from_numpy(g.normal(0, 0.1, int(float(row["duration"]) * SR)).astype(np.float32))
        return {"feats": log_mel_frames(wave), "tokens": torch.tensor(encode(row["transcript"]))}


def pad_collate(items):
    return {
        "feats": pad_sequence([it["feats"] for it in items], batch_first=True),
        "feat_lens": torch.tensor([it["feats"].shape[0] for it in items]),
        "tokens": pad_sequence([it["tokens"] for it in items], batch_first=True),
        "token_lens": torch.tensor([len(it["tokens"]) for it in items]),
    }


class BiLSTMEncoder(nn.Module):
    def __init__(self, n_in, hidden, n_out):
        super().__init__()
        self.subsample = nn.Conv1d(n_in, hidden, kernel_size=3, stride=2, padding=1)
        self.lstm = nn.LSTM(hidden, hidden, num_layers=2, bidirectional=True, batch_first=True)
        self.proj = nn.Linear(2 * hidden, n_out)

    def forward(self, feats, lens):
        x = torch.relu(self.subsample(feats.transpose(1, 2))).transpose(1, 2)
        lens = (lens - 1) // 2 + 1
        packed = nn.utils.rnn.pack_padded_sequence(x, lens, batch_first=True, enforce_sorted=False)
        out, _ = self.lstm(packed)
        out, _ = nn.utils.rnn.pad_packed_sequence(out, batch_first=True)
        return self.proj(out).log_softmax(-1), lens


def greedy_ctc(log_probs, lens):
    hyps = []
    for lp, n in zip(log_probs, lens):
        ids = torch.unique_consecutive(lp[:n].argmax(-1)).tolist()
        hyps.append(decode([i for i in ids if i != 0]))
    return hyps


def main():
    torch.manual_seed(3)
    write_manifest(MANIFEST, 32, np.random.default_rng(3))
    loader = DataLoader(ManifestDataset(MANIFEST), batch_size=8, shuffle=True, collate_fn=pad_collate)
    model = BiLSTMEncoder(N_MELS, 48, VOCAB)
    ctc_loss = nn.CTCLoss(blank=0, zero_infinity=True)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    for epoch in range(2):
        running = []
        for batch in loader:
            log_probs, out_lens = model(batch["feats"], batch["feat_lens"])
            loss = ctc_loss(log_probs.transpose(0, 1), batch["tokens"], out_lens, batch["token_lens"])
            opt.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), 5.0)
            opt.step()
            running.append(loss.item())
        print(f"epoch {epoch}: mean ctc {np.mean(running):.3f}")
    model.eval()
    with torch.no_grad():
        batch = next(iter(loader))
        log_probs, out_lens = model(batch["feats"], batch["feat_lens"])
    print(greedy_ctc(log_probs, out_lens)[:2])
    os.remove(MANIFEST)


if __name__ == "__main__":
    main()
