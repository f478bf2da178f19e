from dataclasses import dataclass, field
from typing import Iterator, List

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

rng = np.random.default_rng(1234)
torch.manual_seed(1234)

SR = 16000
CHARS = list("_ abcdefghijklmnopqrstuvwxyz")
BLANK_ID = 0
N_PHONES = 12
IGNORE = -100


@dataclass
class FrontendConfig:
    frame_len: int = 400
    frame_shift: int = 160
    n_fft: int = 512
    n_mels: int = 40


@dataclass
class Utterance:
    audio: np.ndarray
    text: str
    phone_align: List[int] = field(default_factory=list)


def mel_matrix(cfg: FrontendConfig) -> torch.Tensor:
    freqs = torch.linspace(0, SR / 2, cfg.n_fft // 2 + 1)
    mel = 1127.0 * torch.log1p(freqs / 700.0)
    edges = torch.linspace(mel[1].item(), mel[-1].item(), cfg.n_mels + 2)
    left, center, right = edges[:-2, None], edges[1:-1, None], edges[2:, None]
    up = (mel[None, :] - left) / (center - left)
    down = (right - mel[None, :]) / (right - center)
    return torch.clamp(torch.minimum(up, down), min=0.0)


def log_mel_frames(wave: torch.Tensor, cfg: FrontendConfig, fbank: torch.Tensor) -> torch.Tensor:
    frames = wave.unfold(0, cfg.frame_len, cfg.frame_shift)
    frames = frames - frames.mean(dim=1, keepdim=True)
    frames = frames * torch.hamming_window(cfg.frame_len, periodic=False)
    spec = torch.fft.rfft(frames, n=cfg.n_fft).abs().pow(2)
    return torch.log(spec @ fbank.T + 1e-10)


def synth_corpus(n: int, cfg: FrontendConfig) -> Iterator[Utterance]:
    words = ["yes", "no", "up", "down", "left", "right", "stop", "go"]
    for _ in range(n):
        text = " ".join(rng.choice(words, size=rng.integers(1, 4)))
        n_samples = int(rng.integers(9000, 20000))
        audio = (0.05 * rng.standard_normal(n_samples)).astype(np.float32)
        n_frames = 1 + (n_samples - cfg.frame_len) // cfg.frame_shift
        align = rng.integers(0, N_PHONES, size=n_frames).tolist()
        yield Utterance(audio, text, align)


def make_batches(utts: List[Utterance], cfg: FrontendConfig, fbank, bs: int):
    for i in range(0, len(utts), bs):
        chunk = utts[i:i + bs]
        feats = [log_mel_frames(torch.from_numpy(u.audio), cfg, fbank) for u in chunk]
        feats = [(f - f.mean(0)) / (f.std(0) + 1e-5) for f in feats]
        toks = [torch.tensor([CHARS.index(c) for c in u.text]) for u in chunk]
        phones = [torch.tensor(u.phone_align) for u in chunk]
        yield {
            "x": nn.utils.rnn.pad_sequence(feats, batch_first=True),
            "x_len": torch.tensor([f.size(0) for f in feats]),
            "y": nn.utils.rnn.pad_sequence(toks, batch_first=True, padding_value=BLANK_ID),
            "y_len": torch.tensor([t.numel() for t in toks]),
            "phones": nn.utils.rnn.pad_sequence(phones, batch_first=True, padding_value=IGNORE),
        }


class Subsample2x(nn.Module):
    def __init__(self, d_in, d_out):
        super().__init__()
        self.conv = nn.Conv1d(d_in, d_out, kernel_size=3, stride=2, padding=1)

    def forward(self, x, lens):
        x = F.gelu(self.conv(x.transpose(1, 2))).transpose(1, 2)
        return x, (lens + 1) // 2


class MultiTaskEncoder(nn.Module):
    def __init__(self, n_mels, d_model, n_chars, n_phones):
        super().__init__()
        self.sub = Subsample2x(n_mels, d_model)
        self.blstm = nn.LSTM(d_model, d_model, num_layers=2, bidirectional=True, batch_first=True)
        self.ctc_head = nn.Linear(2 * d_model, n_chars)
        self.phone_head = nn.Linear(2 * d_model, n_phones)

    def forward(self, x, lens):
        h, lens = self.sub(x, lens)
        h, _ = self.blstm(h)
        return {"ctc": self.ctc_head(h), "phone": self.phone_head(h), "lens": lens}


def ctc_greedy(logits, lens):
    out = []
    for path, n in zip(logits.argmax(-1).tolist(), lens.tolist()):
        collapsed = [p for j, p in enumerate(path[:n]) if p != BLANK_ID and (j == 0 or p != path[j - 1])]
        out.append("".join(CHARS[p] for p in collapsed))
    return out


cfg = FrontendConfig()
fbank = mel_matrix(cfg)
corpus = list(synth_corpus(16, cfg))
model = MultiTaskEncoder(cfg.n_mels, 48, len(CHARS), N_PHONES)
optim = torch.optim.Adam(model.parameters(), lr=5e-4)
ctc_loss = nn.CTCLoss(blank=BLANK_ID, zero_infinity=True)
phone_weight = 0.3

for epoch in range(2):
    for batch in make_batches(corpus, cfg, fbank, bs=4):
        out = model(batch["x"], batch["x_len"])
        log_probs = out["ctc"].log_softmax(-1).permute(1, 0, 2)
        l_ctc = ctc_loss(log_probs, batch["y"], out["lens"], batch["y_len"])
        phone_tgt = batch["phones"][:, ::2]
        l_phone = F.cross_entropy(out["phone"].transpose(1, 2), phone_tgt, ignore_index=IGNORE)
        loss = (1 - phone_weight) * l_ctc + phone_weight * l_phone
        optim.zero_grad()
        loss.backward()
        optim.step()
    print(f"epoch {epoch}: ctc={l_ctc.item():.3f} phone={l_phone.item():.3f}")

with torch.no_grad():
    batch = next(make_batches(corpus, cfg, fbank, bs=4))
    out = model(batch["x"], batch["x_len"])
    print(ctc_greedy(out["ctc"], out["lens"]))
