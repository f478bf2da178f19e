"""Text-conditioned 12x12 icon diffusion with classifier-free guidance.

A tiny BERT encodes short captions such as "<flat> red heart"; its pooled
[CLS] vector is added to the timestep embedding of a small conv denoiser.
Captions are dropped to "" 15% of the time so the model also learns the
unconditional branch used for guidance.
"""
import math
import os
import tempfile
import torch
import torch.nn as nn
import torch.nn.functional as F
from transformers import BertConfig, BertModel, BertTokenizer

torch.manual_seed(0)

WORDS = ["red", "green", "blue", "yellow", "heart", "star", "circle", "square", "arrow", "small", "big", "bold"]
STYLE_TAGS = ["<flat>", "<outline>", "<pixel>"]
RES, T_STEPS, COND_DROP = 12, 200, 0.15

workdir = tempfile.mkdtemp()
vocab_path = os.path.join(workdir, "icon_vocab.txt")
with open(vocab_path, "w") as fh:
    fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + WORDS) + "\n")

caption_tok = BertTokenizer(vocab_path)
caption_tok.add_tokens(STYLE_TAGS)


def render_icon(colour, shape, style):
    yy, xx = torch.meshgrid(torch.linspace(-1, 1, RES), torch.linspace(-1, 1, RES), indexing="ij")
    if shape == "circle":
        m = (xx ** 2 + yy ** 2) < 0.5
    elif shape == "square":
        m = (xx.abs() < 0.6) & (yy.abs() < 0.6)
    else:
        m = (xx.abs() + yy.abs()) < 0.8
    m = m.float()
    if style == "<outline>":
        m = m - F.avg_pool2d(m[None, None], 3, 1, 1)[0, 0].gt(0.99).float()
    rgb = {"red": (1, 0, 0), "green": (0, 1, 0), "blue": (0, 0, 1), "yellow": (1, 1, 0)}[colour]
    return torch.stack([m * c for c in rgb]) * 2 - 1


def build_dataset(n):
    caps, imgs = [], []
    for _ in range(n):
        col = WORDS[torch.randint(0, 4, ()).item()]
        shp = ["heart", "star", "circle", "square"][torch.randint(0, 4, ()).item()]
        sty = STYLE_TAGS[torch.randint(0, 3, ()).item()]
        caps.append(f"{sty} {col} {shp}")
        imgs.append(render_icon(col, shp, sty))
    return caps, torch.stack(imgs)


text_cfg = BertConfig(
    vocab_size=caption_tok.vocab_size,
    hidden_size=32,
    num_hidden_layers=1,
    num_attention_heads=2,
    intermediate_size=64,
    max_position_embeddings=32,
)
text_encoder = BertModel(text_cfg)


def sinusoid(t, dim=32):
    half = dim // 2
    f = torch.exp(-math.log(10000.0) * torch.arange(half) / half)
    a = t.float()[:, None] * f[None]
    return torch.cat([a.sin(), a.cos()], -1)


class IconDenoiser(nn.Module):
    def __init__(self, ch=32, cond_dim=32):
        super().__init__()
        self.t_proj = nn.Linear(32, ch)
        self.c_proj = nn.Linear(cond_dim, ch)
        self.c1 = nn.Conv2d(3, ch, 3, padding=1)
        self.c2 = nn.Conv2d(ch, ch, 3, padding=1)
        self.c3 = nn.Conv2d(ch, 3, 3, padding=1)

    def forward(self, x, t, cond):
        h = F.silu(self.c1(x))
        h = h + (self.t_proj(sinusoid(t)) + self.c_proj(cond))[:, :, None, None]
        h = F.silu(self.c2(h))
        return self.c3(h)


def encode_captions(captions):
    batch = caption_tok(captions, padding=True, return_tensors="pt")
    out = text_encoder(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"])
    return out.last_hidden_state[:, 0]


betas = torch.linspace(1e-4, 0.03, T_STEPS)
alpha_bar = torch.cumprod(1 - betas, 0)
denoiser = IconDenoiser()
optim = torch.optim.Adam(list(denoiser.parameters()) + list(text_encoder.parameters()), lr=1e-3)

captions, icons = build_dataset(192)
for it in range(40):
    pick = torch.randint(0, len(captions), (24,))
    caps = ["" if torch.rand(()) < COND_DROP else captions[j] for j in pick.tolist()]
    x0 = icons[pick]
    t = torch.randint(0, T_STEPS, (x0.shape[0],))
    eps = torch.randn_like(x0)
    ab = alpha_bar[t].view(-1, 1, 1, 1)
    xt = ab.sqrt() * x0 + (1 - ab).sqrt() * eps
    loss = F.mse_loss(denoiser(xt, t, encode_captions(caps)), eps)
    optim.zero_grad()
    loss.backward()
    optim.step()
    if it % 10 == 0:
        print(f"iter {it}: loss={loss.item():.4f}")


@torch.no_grad()
def guided_sample(prompt, n=4, scale=3.0):
    cond = encode_captions([prompt] * n)
    uncond = encode_captions([""] * n)
    x = torch.randn(n, 3, RES, RES)
    for step in reversed(range(T_STEPS)):
        t = torch.full((n,), step)
        e = denoiser(x, t, uncond)
        e = e + scale * (denoiser(x, t, cond) - e)
        a, ab = 1 - betas[step], alpha_bar[step]
        x = (x - betas[step] / (1 - ab).sqrt() * e) / a.sqrt()
        if step > 0:
            x = x + betas[step].sqrt() * torch.randn_like(x)
    return x.clamp(-1, 1)


print("sampled", tuple(guided_sample("<pixel> blue star").shape))
