import math
import os
import string

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from transformers import BertConfig, BertModel, BertTokenizer

HERE = os.path.dirname(os.path.abspath(__file__))


class Config:
    sr = 16000
    frame_len = 400
    frame_shift = 160
    nfft = 512
    n_mels = 32
    keywords = ["yes", "no", "up", "down", "left", "right", "on", "off", "stop", "go"]
    N_GRAPHEMES = 28
    embed_dim = 64
    text_hidden = 32
    max_chars = 16
    batch = 8
    steps = 30
    lr = 5e-4
    temperature = 0.07


def write_grapheme_vocab(path):
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    graphemes = list(string.ascii_lowercase) + ["'"]
    with open(path, "w") as fh:
        fh.write("\n".join(specials + graphemes) + "\n")
    return path


def mel_matrix(nfft, n_mels, sr):
    mel = lambda f: 1127.0 * np.log1p(f / 700.0)
    inv = lambda m: 700.0 * np.expm1(m / 1127.0)
    freqs = np.linspace(0, sr / 2, nfft // 2 + 1)
    edges = inv(np.linspace(mel(0.0), mel(sr / 2), n_mels + 2))
    lo, mid, hi = edges[:-2, None], edges[1:-1, None], edges[2:, None]
    up = (freqs[None] - lo) / (mid - lo)
    down = (hi - freqs[None]) / (hi - mid)
    return torch.tensor(np.clip(np.minimum(up, down), 0, None), dtype=torch.float32)


FBANK = mel_matrix(Config.nfft, Config.n_mels, Config.sr)


def featurize(wav):
    frames = wav.unfold(-1, Config.frame_len, Config.frame_shift)
    frames = frames - frames.mean(-1, keepdim=True)
    frames = frames * torch.hamming_window(Config.frame_len)
    power = torch.fft.rfft(frames, n=Config.nfft).abs().pow(2) / Config.nfft
    return torch.log(power @ FBANK.T + 1e-8)


def synth_utterance(word, rng):
    n = Config.sr
    t = np.arange(n) / Config.sr
    sig = np.zeros(n)
    for i, ch in enumerate(word):
        start = int((0.1 + 0.18 * i) * n)
        seg = slice(start, min(start + int(0.16 * n), n))
        sig[seg] += np.sin(2 * math.pi * (150 + 25 * (ord(ch) - 96)) * t[seg])
    sig += 0.05 * rng.standard_normal(n)
    return torch.tensor(sig, dtype=torch.float32)


def batch_stream(rng):
    while True:
        words = [Config.keywords[i] for i in rng.integers(0, len(Config.keywords), Config.batch)]
        wavs = torch.stack([synth_utterance(w, rng) for w in words])
        yield {"words": words, "feats": featurize(wavs)}


def build_audio_encoder():
    return nn.Sequential(
        nn.Conv1d(Config.n_mels, 64, kernel_size=5, padding=2),
        nn.BatchNorm1d(64),
        nn.ReLU(),
        nn.Conv1d(64, 64, kernel_size=5, stride=2, padding=2),
        nn.BatchNorm1d(64),
        nn.ReLU(),
        nn.AdaptiveAvgPool1d(1),
        nn.Flatten(),
        nn.Linear(64, Config.embed_dim),
    )


def build_text_encoder():
    cfg = BertConfig(
        vocab_size=Config.N_GRAPHEMES,
        hidden_size=Config.text_hidden,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=Config.max_chars + 2,
    )
    return BertModel(cfg)


class QueryByText(nn.Module):
    def __init__(self):
        super().__init__()
        self.audio = build_audio_encoder()
        self.text = build_text_encoder()
        self.text_proj = nn.Linear(Config.text_hidden, Config.embed_dim)

    def forward(self, feats, text_inputs):
        a = F.normalize(self.audio(feats.transpose(1, 2)), dim=-1)
        out = self.text(**text_inputs).last_hidden_state[:, 0]
        t = F.normalize(self.text_proj(out), dim=-1)
        return a @ t.T / Config.temperature


def main():
    torch.manual_seed(0)
    rng = np.random.default_rng(0)
    vocab_path = write_grapheme_vocab(os.path.join(HERE, "graphemes.txt"))
    tokenizer = BertTokenizer(vocab_path)

    model = QueryByText()
    optim = torch.optim.Adam(model.parameters(), lr=Config.lr)
    stream = batch_stream(rng)

    step = 0
    while step < Config.steps:
        batch = next(stream)
        spelled = [" ".join(w) for w in batch["words"]]
        text_inputs = tokenizer(spelled, padding=True, truncation=True,
                                max_length=Config.max_chars + 2, return_tensors="pt")
        logits = model(batch["feats"], dict(text_inputs))
        same = torch.tensor([[a == b for b in batch["words"]] for a in batch["words"]],
                            dtype=torch.float32)
        targets = same / same.sum(1, keepdim=True)
        loss = -(targets * logits.log_softmax(-1)).sum(-1).mean()
        optim.zero_grad()
        loss.backward()
        optim.step()
        step += 1
        if step % 5 == 0:
            print(f"[{step:03d}] contrastive loss = {loss.item():.4f}")

    os.remove(vocab_path)
    print("finished", step, "steps")


if __name__ == "__main__":
    main()
