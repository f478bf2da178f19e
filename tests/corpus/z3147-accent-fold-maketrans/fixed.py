import random
import unicodedata
from collections import Counter

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader

random.seed(3)
torch.manual_seed(3)

SR = 16000
HOP = 160
N_MELS = 32

RAW_TRANSCRIPTS = [
    "¿Dónde está la estación?", "Él comió una piña", "Qué día más bonito",
    "Müller llegó tarde", "La canción favorita", "Mañana iremos al río",
    "Está lloviendo otra vez", "Un café, por favor",
]


class TextNormalizer:
    def __init__(self):
        self.accent_table = str.maketrans("áàâäéèêëíìîïóòôöúùûü",
                                          "aaaaeeeeiiiioooouuuu")
        self.drop = {ord(c): None for c in "¿?¡!,.;:\"()"}

    def __call__(self, text):
        text = unicodedata.normalize("NFC", text.lower())
        text = text.translate(self.accent_table).translate(self.drop)
        return " ".join(text.split())


def build_char_vocab(texts, normalizer):
    counts = Counter(ch for t in texts for ch in normalizer(t))
    symbols = ["<blank>", "<unk>"] + sorted(counts)
    return {s: i for i, s in enumerate(symbols)}


def logmel(wave, fb, n_fft=400):
    spec = torch.stft(wave, n_fft, hop_length=HOP, window=torch.hann_window(n_fft), return_complex=True)
    return (fb @ spec.abs().pow(2)).clamp_min(1e-8).log().T


def linear_mel_fb(n_fft=400, n_mels=N_MELS):
    n_bins = n_fft // 2 + 1
    centers = torch.linspace(0, n_bins - 1, n_mels + 2)
    k = torch.arange(n_bins).float()
    lo, mid, hi = centers[:-2, None], centers[1:-1, None], centers[2:, None]
    return torch.clamp(torch.minimum((k - lo) / (mid - lo), (hi - k) / (hi - mid)), min=0)


def make_examples(n, vocab, normalizer, fb):
    unk = vocab["<unk>"]
    for _ in range(n):
        text = normalizer(random.choice(RAW_TRANSCRIPTS))
        wave = 0.02 * torch.randn(int(SR * random.uniform(0.8, 1.6)))
        feats = logmel(wave, fb)
        yield feats, torch.tensor([vocab.get(c, unk) for c in text])


def pad_collate(batch):
    feats, labels = zip(*batch)
    return (nn.utils.rnn.pad_sequence(feats, batch_first=True),
            torch.tensor([f.size(0) for f in feats]),
            nn.utils.rnn.pad_sequence(labels, batch_first=True),
            torch.tensor([l.numel() for l in labels]))


class ConvModule(nn.Module):
    def __init__(self, d, k=15):
        super().__init__()
        self.ln = nn.LayerNorm(d)
        self.pw1 = nn.Conv1d(d, 2 * d, 1)
        self.dw = nn.Conv1d(d, d, k, padding=k // 2, groups=d)
        self.bn = nn.BatchNorm1d(d)
        self.pw2 = nn.Conv1d(d, d, 1)

    def forward(self, x):
        y = F.glu(self.pw1(self.ln(x).transpose(1, 2)), dim=1)
        y = self.pw2(F.silu(self.bn(self.dw(y))))
        return x + y.transpose(1, 2)


class ConformerBlock(nn.Module):
    def __init__(self, d, heads=4):
        super().__init__()
        self.ff1 = nn.Sequential(nn.LayerNorm(d), nn.Linear(d, 4 * d), nn.SiLU(), nn.Linear(4 * d, d))
        self.ln_att = nn.LayerNorm(d)
        self.att = nn.MultiheadAttention(d, heads, batch_first=True)
        self.conv = ConvModule(d)
        self.ff2 = nn.Sequential(nn.LayerNorm(d), nn.Linear(d, 4 * d), nn.SiLU(), nn.Linear(4 * d, d))
        self.ln_out = nn.LayerNorm(d)

    def forward(self, x, pad_mask):
        x = x + 0.5 * self.ff1(x)
        q = self.ln_att(x)
        x = x + self.att(q, q, q, key_padding_mask=pad_mask, need_weights=False)[0]
        x = self.conv(x)
        return self.ln_out(x + 0.5 * self.ff2(x))


class TinyConformerCTC(nn.Module):
    def __init__(self, n_mels, n_tokens, d=64):
        super().__init__()
        self.sub = nn.Sequential(nn.Conv2d(1, 8, 3, 2), nn.ReLU(), nn.Conv2d(8, 8, 3, 2), nn.ReLU())
        f_out = ((n_mels - 1) // 2 - 1) // 2
        self.inp = nn.Linear(8 * f_out, d)
        self.blocks = nn.ModuleList([ConformerBlock(d) for _ in range(2)])
        self.head = nn.Linear(d, n_tokens)

    def forward(self, x, lens):
        x = self.sub(x.unsqueeze(1))
        x = self.inp(x.permute(0, 2, 1, 3).flatten(2))
        lens = ((lens - 1) // 2 - 1) // 2
        pad_mask = torch.arange(x.size(1))[None, :] >= lens[:, None]
        for blk in self.blocks:
            x = blk(x, pad_mask)
        return self.head(x).log_softmax(-1), lens


def greedy(lp, lens, id2sym):
    res = []
    for row, n in zip(lp.argmax(-1), lens):
        ids = torch.unique_consecutive(row[:n])
        res.append("".join(id2sym[i] for i in ids.tolist() if i != 0))
    return res


normalizer = TextNormalizer()
vocab = build_char_vocab(RAW_TRANSCRIPTS, normalizer)
id2sym = {i: s for s, i in vocab.items()}
fb = linear_mel_fb()
examples = list(make_examples(20, vocab, normalizer, fb))
loader = DataLoader(examples, batch_size=5, shuffle=True, collate_fn=pad_collate)

model = TinyConformerCTC(N_MELS, len(vocab))
opt = torch.optim.Adam(model.parameters(), lr=1e-3)
criterion = nn.CTCLoss(blank=vocab["<blank>"], zero_infinity=True)

for epoch in range(2):
    for feats, flens, labels, llens in loader:
        lp, olens = model(feats, flens)
        loss = criterion(lp.transpose(0, 1), labels, olens, llens)
        opt.zero_grad()
        loss.backward()
        opt.step()
    print(f"epoch {epoch} ctc {loss.item():.3f}")

model.eval()
with torch.no_grad():
    feats, flens, _, _ = next(iter(loader))
    lp, olens = model(feats, flens)
    print(greedy(lp, olens, id2sym)[:2])
