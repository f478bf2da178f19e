import math

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


class Config:
    fs = 16000
    frame = 400
    stride = 160
    nfft = 512
    mels = 40
    seg_frames = 80
    speakers = 8
    utts_per_spk = 6
    spk_per_batch = 4
    utt_per_batch = 3
    emb_dim = 64
    proto_momentum = 0.9
    scale = 10.0
    lr = 1e-3
    max_step = 50
    report = 10
    seed = 3


def mel_weights():
    hz = np.linspace(0, Config.fs / 2, Config.nfft // 2 + 1)
    mel = lambda f: 2595 * np.log10(1 + f / 700)
    inv = lambda m: 700 * (10 ** (m / 2595) - 1)
    pts = inv(np.linspace(mel(0), mel(Config.fs / 2), Config.mels + 2))
    W = np.zeros((Config.mels, hz.size), dtype=np.float32)
    for k in range(Config.mels):
        l, c, r = pts[k], pts[k + 1], pts[k + 2]
        W[k] = np.maximum(0, np.minimum((hz - l) / (c - l), (r - hz) / (r - c)))
    return torch.from_numpy(W)


MEL_W = mel_weights()
WIN = torch.hann_window(Config.frame)


def featurize(wav):
    fr = wav.unfold(-1, Config.frame, Config.stride) * WIN
    pw = torch.fft.rfft(fr, n=Config.nfft).abs() ** 2
    lm = torch.log1p(pw @ MEL_W.T)
    return (lm - lm.mean(-2, keepdim=True)) / (lm.std(-2, keepdim=True) + 1e-5)


def speaker_voice(spk, n, g):
    t = torch.arange(n) / Config.fs
    base = 100 + 30 * spk
    harmonics = torch.stack([torch.sin(2 * math.pi * base * h * t) * (0.8 ** h) for h in range(1, 8)])
    tilt = 1.0 + 0.1 * spk
    wav = harmonics.sum(0) * tilt
    am = 0.6 + 0.4 * torch.sin(2 * math.pi * (3 + spk % 3) * t)
    return 0.1 * wav * am + 0.02 * torch.randn(n, generator=g)


def make_corpus():
    g = torch.Generator().manual_seed(Config.seed)
    n = (Config.seg_frames - 1) * Config.stride + Config.frame
    feats = {}
    for s in range(Config.speakers):
        feats[s] = torch.stack([featurize(speaker_voice(s, n, g)) for _ in range(Config.utts_per_spk)])
    return feats


def episodes(corpus):
    g = torch.Generator().manual_seed(Config.seed + 1)
    while True:
        spk = torch.randperm(Config.speakers, generator=g)[: Config.spk_per_batch]
        x, y = [], []
        for s in spk.tolist():
            pick = torch.randperm(Config.utts_per_spk, generator=g)[: Config.utt_per_batch]
            x.append(corpus[s][pick])
            y += [s] * Config.utt_per_batch
        yield {"feats": torch.cat(x), "speaker": torch.tensor(y)}


def frame_encoder(n_in, width):
    return nn.Sequential(
        nn.Linear(n_in, width), nn.ReLU(),
        nn.Linear(width, width), nn.ReLU(),
        nn.LayerNorm(width),
    )


def embedding_head(width, dim):
    return nn.Sequential(nn.Linear(2 * width, dim), nn.ReLU(), nn.Linear(dim, dim))


class DVector(nn.Module):
    def __init__(self):
        super().__init__()
        self.frames = frame_encoder(Config.mels, 128)
        self.head = embedding_head(128, Config.emb_dim)

    def forward(self, x):
        h = self.frames(x)
        stats = torch.cat([h.mean(1), h.std(1)], dim=-1)
        return F.normalize(self.head(stats), dim=-1)


def prototype_memory():
    bank = F.normalize(torch.randn(Config.speakers, Config.emb_dim), dim=-1)

    def update(emb, speaker):
        nonlocal bank
        for s in speaker.unique().tolist():
            centroid = emb[speaker == s].mean(0)
            new = Config.proto_momentum * bank[s] + (1 - Config.proto_momentum) * centroid
            bank = torch.cat([bank[:s], F.normalize(new, dim=0)[None], bank[s + 1:]])

    def logits(emb):
        return Config.scale * emb @ bank.T

    return update, logits


corpus = make_corpus()
model = DVector()
opt = torch.optim.Adam(model.parameters(), lr=Config.lr)
update_bank, proto_logits = prototype_memory()
stream = episodes(corpus)

step, hist = 0, []
while step < Config.max_step:
    batch = next(stream)
    emb = model(batch["feats"])
    loss = F.cross_entropy(proto_logits(emb), batch["speaker"])
    opt.zero_grad()
    loss.backward()
    opt.step()
    update_bank(emb, batch["speaker"])
    hist.append(loss.item())
    step += 1
    if step % Config.report == 0:
        print(f"step {step} proto-CE {np.mean(hist[-Config.report:]):.4f}")

with torch.no_grad():
    enroll = torch.stack([model(corpus[s][:3]).mean(0) for s in range(Config.speakers)])
    test = torch.stack([model(corpus[s][3:]).mean(0) for s in range(Config.speakers)])
    sims = F.normalize(test, dim=-1) @ F.normalize(enroll, dim=-1).T
    print("speaker ID acc:", (sims.argmax(1) == torch.arange(Config.speakers)).float().mean().item())
