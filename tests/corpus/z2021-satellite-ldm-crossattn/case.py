import math
import os
import tempfile

import torch
import torch.nn as nn
import torch.nn.functional as F
from transformers import BertConfig, BertModel, BertTokenizer

torch.manual_seed(1)

LANDCOVER_TERMS = ["forest", "river", "farmland", "urban", "desert", "lake", "road", "dense",
                   "sparse", "crossing", "near", "coast", "and", "with", "fields", "snow"]
TILE_CAPTIONS = ["dense forest near river", "farmland with road crossing", "sparse urban coast",
                 "desert and road", "lake with dense forest", "snow fields near lake",
                 "urban road crossing river", "sparse farmland fields"]
T_STEPS = 100
CAPTION_LEN = 12
LATENT_CH = 4


def build_tokenizer(folder):
    vocab_path = os.path.join(folder, "landcover_vocab.txt")
    with open(vocab_path, "w") as fh:
        for tok in ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + LANDCOVER_TERMS:
            fh.write(tok + "\n")
    return BertTokenizer(vocab_path)


def synth_tiles(n, size=32):
    yy, xx = torch.meshgrid(torch.linspace(-1, 1, size), torch.linspace(-1, 1, size), indexing="ij")
    tiles = []
    for i in range(n):
        phase = torch.rand(3) * math.pi
        tiles.append(torch.stack([torch.sin(3 * xx + phase[c]) * torch.cos(2 * yy) for c in range(3)]))
    return torch.stack(tiles)


class TileAutoencoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.enc = nn.Sequential(nn.Conv2d(3, 32, 4, 2, 1), nn.SiLU(), nn.Conv2d(32, LATENT_CH, 4, 2, 1))
        self.dec = nn.Sequential(nn.ConvTranspose2d(LATENT_CH, 32, 4, 2, 1), nn.SiLU(),
                                 nn.ConvTranspose2d(32, 3, 4, 2, 1))

    def forward(self, x):
        return self.dec(self.enc(x))


class CaptionContext(nn.Module):
    def __init__(self, tokenizer, hidden=32):
        super().__init__()
        self.tokenizer = tokenizer
        cfg = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=hidden, num_hidden_layers=1,
                         num_attention_heads=2, intermediate_size=64, max_position_embeddings=32)
        self.encoder = BertModel(cfg)

    def forward(self, captions):
        batch = self.tokenizer(captions, padding="max_length", max_length=CAPTION_LEN,
                               truncation=True, return_tensors="pt")
        states = self.encoder(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"]).last_hidden_state
        return states[:, 1:], batch["attention_mask"]


class CrossAttnBlock(nn.Module):
    def __init__(self, ch, ctx_dim, heads=2):
        super().__init__()
        self.norm = nn.GroupNorm(8, ch)
        self.attn = nn.MultiheadAttention(ch, heads, kdim=ctx_dim, vdim=ctx_dim, batch_first=True)

    def forward(self, h, ctx, ctx_mask):
        b, c, hh, ww = h.shape
        q = self.norm(h).flatten(2).transpose(1, 2)
        out, _ = self.attn(q, ctx, ctx, key_padding_mask=ctx_mask == 0)
        return h + out.transpose(1, 2).reshape(b, c, hh, ww)


def t_embed(t, dim):
    half = dim // 2
    f = torch.exp(-math.log(10000.0) * torch.arange(half) / half)
    a = t[:, None].float() * f[None]
    return torch.cat([torch.sin(a), torch.cos(a)], 1)


class LatentDenoiser(nn.Module):
    def __init__(self, ctx_dim, ch=64):
        super().__init__()
        self.ch = ch
        self.t_mlp = nn.Sequential(nn.Linear(ch, ch), nn.SiLU(), nn.Linear(ch, ch))
        self.conv_in = nn.Conv2d(LATENT_CH, ch, 3, padding=1)
        self.block = nn.Conv2d(ch, ch, 3, padding=1)
        self.xattn = CrossAttnBlock(ch, ctx_dim)
        self.conv_out = nn.Conv2d(ch, LATENT_CH, 3, padding=1)

    def forward(self, z, t, ctx, ctx_mask):
        h = self.conv_in(z) + self.t_mlp(t_embed(t, self.ch))[:, :, None, None]
        h = F.silu(self.block(h))
        h = self.xattn(h, ctx, ctx_mask)
        return self.conv_out(h)


def main():
    tmp = tempfile.mkdtemp()
    tokenizer = build_tokenizer(tmp)
    tiles = synth_tiles(len(TILE_CAPTIONS))

    ae = TileAutoencoder()
    ae_opt = torch.optim.Adam(ae.parameters(), lr=1e-3)
    for _ in range(20):
        rec_loss = F.mse_loss(ae(tiles), tiles)
        ae_opt.zero_grad()
        rec_loss.backward()
        ae_opt.step()
    print(f"autoencoder recon {rec_loss.item():.4f}")
    with torch.no_grad():
        latents = ae.enc(tiles)

    captioner = CaptionContext(tokenizer)
    denoiser = LatentDenoiser(ctx_dim=captioner.encoder.config.hidden_size)
    betas = torch.linspace(1e-4, 0.02, T_STEPS)
    abar = torch.cumprod(1 - betas, 0)
    opt = torch.optim.AdamW(list(denoiser.parameters()) + list(captioner.parameters()), lr=3e-4)

    for it in range(30):
        idx = torch.randint(0, len(TILE_CAPTIONS), (4,))
        z0 = latents[idx]
        caps = [TILE_CAPTIONS[i] if torch.rand(()) > 0.15 else "" for i in idx.tolist()]
        ctx, ctx_mask = captioner(caps)
        t = torch.randint(0, T_STEPS, (z0.shape[0],))
        eps = torch.randn_like(z0)
        a = abar[t][:, None, None, None]
        zt = a.sqrt() * z0 + (1 - a).sqrt() * eps
        loss = F.mse_loss(denoiser(zt, t, ctx, ctx_mask), eps)
        opt.zero_grad()
        loss.backward()
        opt.step()
        if it % 10 == 0:
            print(f"iter {it} eps-mse {loss.item():.4f}")

    with torch.no_grad():
        ctx, ctx_mask = captioner(["dense forest near river"])
        null_ctx, null_mask = captioner([""])
        z = torch.randn(1, LATENT_CH, 8, 8)
        for step in reversed(range(0, T_STEPS, 10)):
            t = torch.tensor([step])
            e_c = denoiser(z, t, ctx, ctx_mask)
            e_u = denoiser(z, t, null_ctx, null_mask)
            e = e_u + 4.0 * (e_c - e_u)
            a = abar[step]
            z0_hat = (z - (1 - a).sqrt() * e) / a.sqrt()
            a_prev = abar[step - 10] if step >= 10 else torch.tensor(1.0)
            z = a_prev.sqrt() * z0_hat + (1 - a_prev).sqrt() * e
        tile = ae.dec(z)
    print("generated tile", tuple(tile.shape))


if __name__ == "__main__":
    main()
