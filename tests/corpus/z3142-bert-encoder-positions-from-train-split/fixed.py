import random
from dataclasses import dataclass, field
from typing import List

import numpy as np
import torch
import torch.nn as nn
from transformers import BertConfig, BertModel

SR = 16000
N_FFT, HOP, N_MELS = 512, 160, 48
VOCAB = ["<blank>"] + list("abcdefghijklmnopqrstuvwxyz ")
STOI = {ch: i for i, ch in enumerate(VOCAB)}

random.seed(3)
np.random.seed(3)
torch.manual_seed(3)


def triangular_mel(n_mels, n_fft, sr, fmin=20.0):
    mel = lambda f: 1127.0 * np.log1p(f / 700.0)
    inv = lambda m: 700.0 * (np.expm1(m / 1127.0))
    pts = inv(np.linspace(mel(fmin), mel(sr / 2), n_mels + 2))
    freqs = np.linspace(0, sr / 2, n_fft // 2 + 1)
    fb = np.zeros((n_mels, freqs.size), dtype=np.float32)
    for i in range(n_mels):
        left, mid, right = pts[i], pts[i + 1], pts[i + 2]
        up = (freqs - left) / (mid - left)
        down = (right - freqs) / (right - mid)
        fb[i] = np.maximum(0.0, np.minimum(up, down))
    return torch.from_numpy(fb)


MEL = triangular_mel(N_MELS, N_FFT, SR)


@dataclass
class Utterance:
    uid: str
    audio: torch.Tensor
    transcript: str
    feats: torch.Tensor = field(init=False)

    def __post_init__(self):
        spec = torch.stft(self.audio, N_FFT, hop_length=HOP, window=torch.hann_window(N_FFT),
                          center=True, return_complex=True)
        self.feats = torch.log(MEL @ spec.abs().pow(2) + 1e-10).T

    @property
    def num_frames(self):
        return self.feats.shape[0]


def synth_split(name, n, min_sec, max_sec):
    words = "yes no maybe left right up down go stop seven eight".split()
    utts = []
    for i in range(n):
        text = " ".join(random.choice(words) for _ in range(random.randint(1, 4)))
        audio = torch.randn(int(SR * random.uniform(min_sec, max_sec))) * 0.03
        utts.append(Utterance(f"{name}-{i:03d}", audio, text))
    return utts


def batches(utts: List[Utterance], bs):
    for i in range(0, len(utts), bs):
        chunk = utts[i:i + bs]
        feats = nn.utils.rnn.pad_sequence([u.feats for u in chunk], batch_first=True)
        targets = [torch.tensor([STOI[c] for c in u.transcript]) for u in chunk]
        yield {
            "feats": feats,
            "feat_lens": torch.tensor([u.num_frames for u in chunk]),
            "targets": torch.cat(targets),
            "target_lens": torch.tensor([len(t) for t in targets]),
            "texts": [u.transcript for u in chunk],
        }


class Conv2dSubsampling4(nn.Module):
    def __init__(self, n_mels, d):
        super().__init__()
        self.body = nn.Sequential(nn.Conv2d(1, d, 3, 2, 1), nn.ReLU(), nn.Conv2d(d, d, 3, 2, 1), nn.ReLU())
        self.out = nn.Linear(d * ((n_mels + 3) // 4), d)

    @staticmethod
    def out_len(lens):
        return (((lens + 1) // 2) + 1) // 2

    def forward(self, x, lens):
        x = self.body(x.unsqueeze(1))
        b, c, t, f = x.shape
        return self.out(x.permute(0, 2, 1, 3).reshape(b, t, c * f)), self.out_len(lens)


class BertCTC(nn.Module):
    def __init__(self, config: BertConfig, n_mels, n_tokens):
        super().__init__()
        self.frontend = Conv2dSubsampling4(n_mels, config.hidden_size)
        self.encoder = BertModel(config, add_pooling_layer=False)
        self.classifier = nn.Linear(config.hidden_size, n_tokens)

    def forward(self, feats, feat_lens):
        x, lens = self.frontend(feats, feat_lens)
        mask = (torch.arange(x.size(1))[None, :] < lens[:, None]).long()
        h = self.encoder(inputs_embeds=x, attention_mask=mask).last_hidden_state
        return self.classifier(h).log_softmax(-1), lens


def greedy(log_probs, lens):
    out = []
    for row, n in zip(log_probs.argmax(-1), lens.tolist()):
        collapsed = torch.unique_consecutive(row[:n]).tolist()
        out.append("".join(VOCAB[t] for t in collapsed if t != 0))
    return out


def cer(ref, hyp):
    d = list(range(len(hyp) + 1))
    for i, r in enumerate(ref, 1):
        prev, d[0] = d[0], i
        for j, h in enumerate(hyp, 1):
            prev, d[j] = d[j], min(d[j] + 1, d[j - 1] + 1, prev + (r != h))
    return d[-1] / max(len(ref), 1)


train_set = synth_split("train", 24, 0.8, 2.0)
dev_set = synth_split("dev", 8, 1.5, 3.2)

max_frames = max(u.num_frames for u in train_set + dev_set)
config = BertConfig(
    vocab_size=len(VOCAB), hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
    intermediate_size=64, max_position_embeddings=int(Conv2dSubsampling4.out_len(torch.tensor(max_frames))) + 4,
)
model = BertCTC(config, N_MELS, len(VOCAB))
optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
ctc = nn.CTCLoss(blank=0, zero_infinity=True)

for epoch in range(2):
    model.train()
    for b in batches(train_set, 6):
        lp, lens = model(b["feats"], b["feat_lens"])
        loss = ctc(lp.transpose(0, 1), b["targets"], lens, b["target_lens"])
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    print(f"epoch {epoch} last loss {loss.item():.3f}")

model.eval()
scores = []
with torch.no_grad():
    for b in batches(dev_set, 4):
        lp, lens = model(b["feats"], b["feat_lens"])
        scores += [cer(r, h) for r, h in zip(b["texts"], greedy(lp, lens))]
print(f"dev CER {sum(scores) / len(scores):.3f}")
