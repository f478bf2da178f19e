import random
from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import Dataset, DataLoader, Sampler
from transformers import BertConfig, BertModel

SAMPLE_RATE = 16000
HOP = 160
WIN = 400
N_FFT = 512
N_MELS = 40
SEGMENT_SAMPLES = SAMPLE_RATE
MAX_POSITIONS = SEGMENT_SAMPLES // HOP + 1


@dataclass
class RunConfig:
    n_speakers: int = 8
    utts_per_speaker: int = 10
    spk_per_batch: int = 4
    utts_per_spk: int = 2
    hidden: int = 32
    epochs: int = 2
    lr: float = 5e-4
    seed: int = 3
    history: dict = field(default_factory=lambda: defaultdict(list))


def make_corpus(cfg):
    g = np.random.default_rng(cfg.seed)
    corpus = []
    for spk in range(cfg.n_speakers):
        pitch = 110 + 25 * spk
        formant = 700 + 90 * spk
        for _ in range(cfg.utts_per_speaker):
            n = int(SAMPLE_RATE * g.uniform(1.2, 2.0))
            t = np.arange(n) / SAMPLE_RATE
            wav = np.sin(2 * np.pi * pitch * t) + 0.3 * np.sin(2 * np.pi * formant * t)
            wav = wav * (0.5 + 0.5 * np.sin(2 * np.pi * g.uniform(2, 5) * t)) + 0.1 * g.standard_normal(n)
            corpus.append((spk, wav.astype(np.float32)))
    return corpus


class FbankFrontend:
    def __init__(self):
        self.window = torch.hann_window(WIN)
        freqs = torch.linspace(0, 1, N_FFT // 2 + 1)
        centers = torch.linspace(0, 1, N_MELS + 2)[1:-1]
        self.fb = torch.relu(1 - (freqs[:, None] - centers[None]).abs() * (N_MELS + 1))

    def __call__(self, wav):
        spec = torch.stft(wav, N_FFT, hop_length=HOP, win_length=WIN, window=self.window, return_complex=True)
        fbank = torch.log((spec.abs() ** 2).T @ self.fb + 1e-5)
        return (fbank - fbank.mean(0)) / (fbank.std(0) + 1e-5)


class SegmentDataset(Dataset):
    def __init__(self, corpus, frontend, train=True):
        self.corpus = corpus
        self.frontend = frontend
        self.train = train

    def __len__(self):
        return len(self.corpus)

    def __getitem__(self, idx):
        spk, wav = self.corpus[idx]
        start = random.randint(0, len(wav) - SEGMENT_SAMPLES) if self.train else 0
        seg = torch.from_numpy(wav[start:start + SEGMENT_SAMPLES])
        return self.frontend(seg), spk


class PKSampler(Sampler):
    def __init__(self, labels, p, k, seed=0):
        self.by_label = defaultdict(list)
        for i, y in enumerate(labels):
            self.by_label[y].append(i)
        self.p, self.k = p, k
        self.rng = random.Random(seed)

    def __iter__(self):
        pools = {y: self.rng.sample(ix, len(ix)) for y, ix in self.by_label.items()}
        while True:
            live = [y for y, ix in pools.items() if len(ix) >= self.k]
            if len(live) < self.p:
                return
            for y in self.rng.sample(live, self.p):
                for _ in range(self.k):
                    yield pools[y].pop()

    def __len__(self):
        return sum(len(ix) // self.k for ix in self.by_label.values()) * self.k


class SpeakerClassifier(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.cfg = cfg
        bert_cfg = BertConfig(vocab_size=4, hidden_size=cfg.hidden, num_hidden_layers=1, num_attention_heads=2,
                              intermediate_size=64, max_position_embeddings=MAX_POSITIONS)
        self.in_proj = nn.Linear(N_MELS, cfg.hidden)
        self.cls = nn.Parameter(torch.randn(1, 1, cfg.hidden) * 0.02)
        self.backbone = BertModel(bert_cfg, add_pooling_layer=False)
        self.out = nn.Linear(cfg.hidden, cfg.n_speakers)

    def forward(self, fbank):
        x = self.in_proj(fbank)
        x = torch.cat([self.cls.expand(x.size(0), -1, -1), x], dim=1)
        h = self.backbone(inputs_embeds=x).last_hidden_state
        return self.out(h[:, 0])

    def training_step(self, batch, batch_idx):
        fbank, spk = batch
        loss = F.cross_entropy(self(fbank), spk)
        self.cfg.history["train_loss"].append(loss.item())
        return loss

    @torch.no_grad()
    def validation_step(self, batch, batch_idx):
        fbank, spk = batch
        pred = self(fbank).argmax(-1)
        self.cfg.history["val_acc"].append((pred == spk).float().mean().item())


def run(cfg):
    random.seed(cfg.seed)
    torch.manual_seed(cfg.seed)
    corpus = make_corpus(cfg)
    random.shuffle(corpus)
    split = int(0.8 * len(corpus))
    frontend = FbankFrontend()
    train_ds = SegmentDataset(corpus[:split], frontend)
    val_ds = SegmentDataset(corpus[split:], frontend, train=False)
    bs = cfg.spk_per_batch * cfg.utts_per_spk
    train_dl = DataLoader(train_ds, batch_size=bs, drop_last=True,
                          sampler=PKSampler([s for s, _ in corpus[:split]], cfg.spk_per_batch, cfg.utts_per_spk))
    val_dl = DataLoader(val_ds, batch_size=bs)

    model = SpeakerClassifier(cfg)
    opt = torch.optim.AdamW(model.parameters(), lr=cfg.lr, weight_decay=0.01)
    for epoch in range(cfg.epochs):
        model.train()
        for i, batch in enumerate(train_dl):
            opt.zero_grad()
            model.training_step(batch, i).backward()
            opt.step()
        model.eval()
        for i, batch in enumerate(val_dl):
            model.validation_step(batch, i)
        print(epoch, np.mean(cfg.history["train_loss"][-5:]), np.mean(cfg.history["val_acc"][-3:]))


if __name__ == "__main__":
    run(RunConfig())
