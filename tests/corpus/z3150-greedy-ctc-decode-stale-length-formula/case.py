import math
from collections import defaultdict

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(7)

SR = 16000
FFT = 512
WIN_LEN = 400
HOP_LEN = 160
N_MEL = 80

GRAPHEMES = ["<blank>", "<space>"] + list("abcdefghijklmnopqrstuvwxyz")
SYM2IDX = {s: i for i, s in enumerate(GRAPHEMES)}


def mel_matrix(n_mels=N_MEL, n_fft=FFT, sr=SR, fmin=20.0, fmax=7600.0):
    mel = lambda f: 1127.0 * math.log(1.0 + f / 700.0)
    inv = lambda m: 700.0 * (math.exp(m / 1127.0) - 1.0)
    pts = [inv(mel(fmin) + i * (mel(fmax) - mel(fmin)) / (n_mels + 1)) for i in range(n_mels + 2)]
    fft_freqs = torch.linspace(0, sr / 2, n_fft // 2 + 1)
    weights = torch.zeros(n_mels, n_fft // 2 + 1)
    for i in range(n_mels):
        l, c, r = pts[i], pts[i + 1], pts[i + 2]
        rising = (fft_freqs - l) / (c - l)
        falling = (r - fft_freqs) / (r - c)
        weights[i] = torch.clamp(torch.min(rising, falling), min=0.0)
    return weights


MEL = mel_matrix()


def compute_feats(batch_wave):
    spec = torch.stft(batch_wave, n_fft=FFT, hop_length=HOP_LEN, win_length=WIN_LEN,
                      window=torch.hann_window(WIN_LEN), center=True, return_complex=True)
    logmel = torch.log1p(torch.einsum("mf,bft->btm", MEL, spec.abs().pow(2)))
    return logmel


def frames_for(num_samples):
    return num_samples // HOP_LEN + 1


def subsampled_len(n):
    for _ in range(2):
        n = (n + 1) // 2
    return n


class Subsampler(nn.Module):
    def __init__(self, d):
        super().__init__()
        self.conv = nn.Sequential(nn.Conv2d(1, d, 3, 2), nn.SiLU(), nn.Conv2d(d, d, 3, 2), nn.SiLU())
        self.lin = nn.Linear(d * (((N_MEL - 1) // 2 - 1) // 2), d)

    def forward(self, x):
        x = self.conv(x.unsqueeze(1))
        return self.lin(x.transpose(1, 2).flatten(2))


class ConformerBlock(nn.Module):
    def __init__(self, d, heads=4, kernel=15):
        super().__init__()
        self.ff1 = nn.Sequential(nn.LayerNorm(d), nn.Linear(d, 4 * d), nn.SiLU(), nn.Linear(4 * d, d))
        self.ln_att = nn.LayerNorm(d)
        self.att = nn.MultiheadAttention(d, heads, batch_first=True)
        self.ln_conv = nn.LayerNorm(d)
        self.pw1 = nn.Conv1d(d, 2 * d, 1)
        self.dw = nn.Conv1d(d, d, kernel, padding=kernel // 2, groups=d)
        self.bn = nn.BatchNorm1d(d)
        self.pw2 = nn.Conv1d(d, d, 1)
        self.ff2 = nn.Sequential(nn.LayerNorm(d), nn.Linear(d, 4 * d), nn.SiLU(), nn.Linear(4 * d, d))
        self.ln_out = nn.LayerNorm(d)

    def forward(self, x, pad_mask):
        x = x + 0.5 * self.ff1(x)
        a = self.ln_att(x)
        x = x + self.att(a, a, a, key_padding_mask=pad_mask, need_weights=False)[0]
        c = self.ln_conv(x).transpose(1, 2)
        c = F.glu(self.pw1(c), dim=1)
        c = self.pw2(F.silu(self.bn(self.dw(c))))
        x = x + c.transpose(1, 2)
        x = x + 0.5 * self.ff2(x)
        return self.ln_out(x)


class TinyConformerCTC(nn.Module):
    def __init__(self, d=48, n_blocks=2):
        super().__init__()
        self.sub = Subsampler(d)
        self.blocks = nn.ModuleList(ConformerBlock(d) for _ in range(n_blocks))
        self.ctc_head = nn.Linear(d, len(GRAPHEMES))

    def forward(self, feats, out_lengths):
        x = self.sub(feats)
        pad_mask = torch.arange(x.size(1))[None, :] >= out_lengths[:, None]
        for blk in self.blocks:
            x = blk(x, pad_mask)
        return self.ctc_head(x).log_softmax(dim=-1)


def eval_batches(n_batches, bsz):
    vocab = ["go", "no", "yes", "up", "down", "on", "off", "stop"]
    for _ in range(n_batches):
        n_words = torch.randint(1, 3, (bsz,))
        refs = [" ".join(vocab[j] for j in torch.randint(0, len(vocab), (int(k),))) for k in n_words]
        sample_lens = torch.randint(int(0.4 * SR), int(1.0 * SR), (bsz,))
        wave = torch.zeros(bsz, int(sample_lens.max()))
        for i, n in enumerate(sample_lens):
            wave[i, :n] = 0.05 * torch.randn(int(n))
        yield wave, sample_lens, refs


def edit_distance(a, b):
    d = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        prev, d[0] = d[0], i
        for j, cb in enumerate(b, 1):
            prev, d[j] = d[j], min(d[j] + 1, d[j - 1] + 1, prev + (ca != cb))
    return d[len(b)]


def ctc_greedy(log_probs, lengths):
    best = log_probs.argmax(dim=-1)
    out = []
    for b in range(best.size(0)):
        chars, prev = [], SYM2IDX["<blank>"]
        for t in range(int(lengths[b])):
            k = int(best[b, t])
            if k != prev and k != SYM2IDX["<blank>"]:
                chars.append(" " if GRAPHEMES[k] == "<space>" else GRAPHEMES[k])
            prev = k
        out.append("".join(chars))
    return out


@torch.no_grad()
def evaluate(model):
    model.eval()
    stats = defaultdict(int)
    for wave, sample_lens, refs in eval_batches(3, 5):
        feats = compute_feats(wave)
        feat_lens = torch.tensor([frames_for(int(n)) for n in sample_lens])
        enc_lens = subsampled_len(feat_lens)
        log_probs = model(feats, enc_lens)
        for hyp, ref in zip(ctc_greedy(log_probs, enc_lens), refs):
            stats["errors"] += edit_distance(hyp, ref)
            stats["chars"] += len(ref)
    return stats["errors"] / max(stats["chars"], 1)


if __name__ == "__main__":
    net = TinyConformerCTC()
    print(f"params: {sum(p.numel() for p in net.parameters()):,}")
    print(f"CER: {evaluate(net):.3f}")
