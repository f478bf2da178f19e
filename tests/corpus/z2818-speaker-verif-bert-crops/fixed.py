import math
from dataclasses import dataclass

import torch
import torch.nn as nn
import torch.nn.functional as F
from transformers import BertConfig, BertModel


class Config:
    sr = 16000
    win = 400
    hop = 160
    n_fft = 512
    n_mels = 40
    preemph = 0.97
    n_speakers = 12
    utts_per_speaker = 8
    crop_frames = 96
    max_frames = 320
    hidden = 32
    emb_dim = 48
    batch_size = 16
    lr = 2e-3
    total_steps = 30
    eval_every = 15
    margin = 0.2
    scale = 20.0


@dataclass
class Utterance:
    speaker: int
    wave: torch.Tensor


def hz2mel(f):
    return 2595.0 * torch.log10(1.0 + f / 700.0)


def mel2hz(m):
    return 700.0 * (10.0 ** (m / 2595.0) - 1.0)


def make_mel_basis():
    fft_freqs = torch.linspace(0, Config.sr / 2, Config.n_fft // 2 + 1)
    mpts = torch.linspace(hz2mel(torch.tensor(0.0)), hz2mel(torch.tensor(Config.sr / 2)), Config.n_mels + 2)
    hpts = mel2hz(mpts)
    lower = (fft_freqs[None, :] - hpts[:-2, None]) / (hpts[1:-1, None] - hpts[:-2, None])
    upper = (hpts[2:, None] - fft_freqs[None, :]) / (hpts[2:, None] - hpts[1:-1, None])
    return torch.clamp(torch.minimum(lower, upper), min=0.0)


MEL_BASIS = make_mel_basis()


def fbank(wave):
    wave = torch.cat([wave[:1], wave[1:] - Config.preemph * wave[:-1]])
    frames = wave.unfold(0, Config.win, Config.hop)
    frames = frames * torch.hann_window(Config.win, periodic=False)
    spec = torch.fft.rfft(frames, n=Config.n_fft).abs() ** 2
    logmel = torch.log(torch.clamp(spec @ MEL_BASIS.T, min=1e-10))
    return logmel - logmel.mean(0, keepdim=True)


def synth_speaker_corpus(gen, seconds_range):
    corpus = []
    for spk in range(Config.n_speakers):
        f0 = 90.0 + 12.0 * spk
        formants = [500.0 + 40.0 * spk, 1500.0 + 70.0 * (spk % 5)]
        for _ in range(Config.utts_per_speaker):
            dur = float(torch.empty(1).uniform_(*seconds_range, generator=gen))
            t = torch.arange(int(dur * Config.sr)) / Config.sr
            w = torch.sin(2 * math.pi * f0 * t)
            for fm in formants:
                w = w + 0.3 * torch.sin(2 * math.pi * fm * t + float(torch.rand(1, generator=gen)))
            w = w + 0.05 * torch.randn(t.shape, generator=gen)
            corpus.append(Utterance(spk, w))
    return corpus


def random_crops(corpus, gen):
    idx = torch.randint(len(corpus), (Config.batch_size,), generator=gen)
    feats, labels = [], []
    for i in idx.tolist():
        utt = corpus[i]
        f = fbank(utt.wave)
        start = int(torch.randint(0, f.shape[0] - Config.crop_frames + 1, (1,), generator=gen))
        feats.append(f[start:start + Config.crop_frames])
        labels.append(utt.speaker)
    return torch.stack(feats), torch.tensor(labels)


def build_input_proj():
    return nn.Sequential(nn.Linear(Config.n_mels, Config.hidden), nn.LayerNorm(Config.hidden), nn.Dropout(0.1))


def build_embedding_head():
    return nn.Sequential(nn.Linear(2 * Config.hidden, Config.emb_dim), nn.BatchNorm1d(Config.emb_dim))


class SpeakerEncoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.proj = build_input_proj()
        self.backbone = BertModel(BertConfig(
            vocab_size=8, hidden_size=Config.hidden, num_hidden_layers=2, num_attention_heads=2,
            intermediate_size=64, max_position_embeddings=Config.max_frames,
        ))
        self.head = build_embedding_head()

    def forward(self, feats):
        h = self.backbone(inputs_embeds=self.proj(feats)).last_hidden_state
        stats = torch.cat([h.mean(1), h.std(1)], dim=-1)
        return self.head(stats)


class AMSoftmax(nn.Module):
    def __init__(self, n_classes):
        super().__init__()
        self.W = nn.Parameter(torch.randn(n_classes, Config.emb_dim) * 0.1)

    def forward(self, emb, y):
        cos = F.normalize(emb) @ F.normalize(self.W).T
        cos = cos - Config.margin * F.one_hot(y, cos.shape[1])
        return F.cross_entropy(Config.scale * cos, y)


@torch.no_grad()
def verification_score(model, eval_corpus):
    model.eval()
    embs, spks = [], []
    for utt in eval_corpus:
        f = fbank(utt.wave)[: Config.max_frames]
        embs.append(F.normalize(model(f.unsqueeze(0)), dim=-1)[0])
        spks.append(utt.speaker)
    E = torch.stack(embs)
    S = E @ E.T
    same = torch.tensor(spks)[:, None] == torch.tensor(spks)[None, :]
    off_diag = ~torch.eye(len(spks), dtype=torch.bool)
    model.train()
    return S[same & off_diag].mean().item() - S[~same].mean().item()


def main():
    torch.manual_seed(7)
    gen = torch.Generator().manual_seed(7)
    train_corpus = synth_speaker_corpus(gen, (1.2, 2.0))
    eval_corpus = synth_speaker_corpus(gen, (2.0, 3.5))[:: Config.utts_per_speaker // 2]

    model = SpeakerEncoder()
    criterion = AMSoftmax(Config.n_speakers)
    params = list(model.parameters()) + list(criterion.parameters())
    optimizer = torch.optim.Adam(params, lr=Config.lr)

    step = 0
    while step < Config.total_steps:
        x, y = random_crops(train_corpus, gen)
        loss = criterion(model(x), y)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        step += 1
        if step % 5 == 0:
            print(f"step={step} am-softmax={loss.item():.3f}")
        if step % Config.eval_every == 0:
            gap = verification_score(model, eval_corpus)
            print(f"step={step} target/non-target cosine gap={gap:.3f}")


if __name__ == "__main__":
    main()
