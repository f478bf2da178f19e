"""Latent diffusion for foley sound effects.

A small conv autoencoder compresses 32x32 log-mel patches into 4x8x8 latents; a
text-conditioned denoiser is then trained on those latents with classifier-free
guidance, using a tiny transformer over tag words as the text encoder.
"""
import math
import random

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)
random.seed(0)

SOUNDS = {"dog bark": 0, "heavy rain": 1, "rising siren": 2, "door knock twice": 3}
T = 120


def synth_mel(kind):
    f = torch.arange(32).float()[:, None]
    tt = torch.arange(32).float()[None, :]
    if kind == 0:
        m = torch.exp(-((f - 8) ** 2) / 20) * ((tt % 10) < 3)
    elif kind == 1:
        m = 0.4 * torch.rand(32, 32) * (f > 12)
    elif kind == 2:
        m = torch.exp(-((f - 4 - 0.8 * tt) ** 2) / 4)
    else:
        m = ((tt == 6) | (tt == 14)).float() * torch.exp(-f / 10)
    return (m * 2 - 1).unsqueeze(0)


class TagTokenizer:
    def __init__(self, corpus):
        words = sorted({w for c in corpus for w in c.split()})
        self.stoi = {"<pad>": 0, "<unk>": 1, "<bos>": 2, "<eos>": 3}
        for w in words:
            self.stoi[w] = len(self.stoi)

    def __call__(self, prompts):
        seqs = [[2] + [self.stoi.get(w, 1) for w in p.split()] + [3] for p in prompts]
        pad_to = max(len(s) for s in seqs)
        ids = torch.tensor([s + [0] * (pad_to - len(s)) for s in seqs], dtype=torch.long)
        return ids, ids != 0


class TagEncoder(nn.Module):
    def __init__(self, vocab, dim=32, max_len=24):
        super().__init__()
        self.tok = nn.Embedding(vocab, dim)
        self.pos = nn.Embedding(max_len, dim)
        layer = nn.TransformerEncoderLayer(dim, 2, 64, batch_first=True, dropout=0.0)
        self.enc = nn.TransformerEncoder(layer, 1)

    def forward(self, ids, keep):
        h = self.tok(ids) + self.pos(torch.arange(ids.shape[1]))[None]
        h = self.enc(h, src_key_padding_mask=~keep)
        return h[:, 0]


class MelAutoencoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.enc = nn.Sequential(nn.Conv2d(1, 16, 4, 2, 1), nn.SiLU(), nn.Conv2d(16, 16, 4, 2, 1), nn.SiLU(),
                                 nn.Conv2d(16, 4, 3, 1, 1))
        self.dec = nn.Sequential(nn.ConvTranspose2d(4, 16, 4, 2, 1), nn.SiLU(),
                                 nn.ConvTranspose2d(16, 16, 4, 2, 1), nn.SiLU(), nn.Conv2d(16, 1, 3, 1, 1))


class LatentDenoiser(nn.Module):
    def __init__(self, vocab, c=4, w=48, d=32):
        super().__init__()
        self.text = TagEncoder(vocab, d)
        self.d = d
        self.emb = nn.Sequential(nn.Linear(2 * d, w), nn.SiLU(), nn.Linear(w, w))
        self.c_in = nn.Conv2d(c, w, 3, padding=1)
        self.body = nn.Sequential(nn.GroupNorm(8, w), nn.SiLU(), nn.Conv2d(w, w, 3, padding=1),
                                  nn.GroupNorm(8, w), nn.SiLU(), nn.Conv2d(w, w, 3, padding=1))
        self.c_out = nn.Conv2d(w, c, 3, padding=1)

    def forward(self, z, t, ids, keep):
        half = self.d // 2
        fr = torch.exp(-math.log(1e4) * torch.arange(half) / half)
        temb = torch.cat([(t[:, None] * fr).sin(), (t[:, None] * fr).cos()], 1)
        e = self.emb(torch.cat([temb, self.text(ids, keep)], 1))
        h = self.c_in(z) + e[:, :, None, None]
        return self.c_out(h + self.body(h))


def main():
    captions = [random.choice(list(SOUNDS)) for _ in range(256)]
    mels = torch.stack([synth_mel(SOUNDS[c]) for c in captions])

    ae = MelAutoencoder()
    opt = torch.optim.Adam(ae.parameters(), lr=3e-3)
    for step in range(80):
        b = mels[torch.randint(0, 256, (32,))]
        loss = F.mse_loss(ae.dec(ae.enc(b)), b)
        opt.zero_grad(); loss.backward(); opt.step()
    print(f"autoencoder recon loss {loss.item():.4f}")
    with torch.no_grad():
        latents = ae.enc(mels)
        scale = latents.std()
        latents = latents / scale

    tok = TagTokenizer(captions)
    net = LatentDenoiser(len(tok.stoi))
    betas = torch.linspace(1e-4, 0.04, T)
    abar = torch.cumprod(1 - betas, 0)
    opt = torch.optim.Adam(net.parameters(), lr=2e-3)
    for step in range(120):
        idx = torch.randint(0, 256, (32,)).tolist()
        ids, keep = tok(["" if random.random() < 0.15 else captions[i] for i in idx])
        z0 = latents[idx]
        t = torch.randint(0, T, (32,))
        n = torch.randn_like(z0)
        a = abar[t].view(-1, 1, 1, 1)
        loss = F.mse_loss(net(a.sqrt() * z0 + (1 - a).sqrt() * n, t.float(), ids, keep), n)
        opt.zero_grad(); loss.backward(); opt.step()
    print(f"latent denoiser loss {loss.item():.4f}")

    requests = ["dog bark", "distant dog bark during heavy rain at night", "rising siren"]
    w = 2.5
    with torch.no_grad():
        ids, keep = tok(requests + [""] * len(requests))
        z = torch.randn(len(requests), 4, 8, 8)
        for i in reversed(range(T)):
            tt = torch.full((2 * len(requests),), float(i))
            ec, eu = net(torch.cat([z, z]), tt, ids, keep).chunk(2)
            eps = eu + w * (ec - eu)
            z = (z - betas[i] / (1 - abar[i]).sqrt() * eps) / (1 - betas[i]).sqrt()
            if i > 0:
                z = z + betas[i].sqrt() * torch.randn_like(z)
        clips = ae.dec(z * scale)
    print("generated mel clips:", tuple(clips.shape))


if __name__ == "__main__":
    main()
