"""Text-to-icon diffusion with classifier-free guidance.

16x16 flat-color icons (circles / squares / bars) are generated from short captions.
A tiny BERT trained from scratch encodes the caption; 10% of captions are dropped to ""
during training so the sampler can mix conditional and unconditional predictions.
"""
import math
import os
import random
import tempfile

import torch
import torch.nn as nn
import torch.nn.functional as F
from transformers import BertConfig, BertModel, BertTokenizer

torch.manual_seed(0)
random.seed(0)

COLORS = {"red": (1, -1, -1), "green": (-1, 1, -1), "blue": (-1, -1, 1), "yellow": (1, 1, -1)}
SHAPES = ["circle", "square", "bar"]
WORDS = ["a", "an", "icon", "of", "small", "big", "bright", "in", "the", "top", "left", "corner",
         "next", "to", "large", "on", "white", "background", "with", "and", "outline", "thin"]
TEXT_CTX = 16
T_STEPS = 100


def build_tokenizer(workdir):
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + list(COLORS) + SHAPES + WORDS
    path = os.path.join(workdir, "icon_vocab.txt")
    with open(path, "w") as f:
        f.write("\n".join(vocab) + "\n")
    return BertTokenizer(path)


def render_icon(color, shape):
    yy, xx = torch.meshgrid(torch.arange(16), torch.arange(16), indexing="ij")
    if shape == "circle":
        m = ((yy - 7.5) ** 2 + (xx - 7.5) ** 2) < 25
    elif shape == "square":
        m = (yy > 3) & (yy < 12) & (xx > 3) & (xx < 12)
    else:
        m = (yy > 6) & (yy < 10)
    img = torch.ones(3, 16, 16)
    rgb = torch.tensor(COLORS[color], dtype=torch.float32)[:, None, None]
    return torch.where(m[None], rgb.expand(3, 16, 16), img)


def make_dataset(n):
    caps, imgs = [], []
    for _ in range(n):
        c, s = random.choice(list(COLORS)), random.choice(SHAPES)
        caps.append(f"a {c} {s} icon")
        imgs.append(render_icon(c, s))
    return caps, torch.stack(imgs)


class IconDenoiser(nn.Module):
    def __init__(self, text_cfg, ch=32):
        super().__init__()
        self.text_encoder = BertModel(text_cfg)
        self.cond_proj = nn.Linear(text_cfg.hidden_size, ch * 2)
        self.time_proj = nn.Linear(ch, ch * 2)
        self.ch = ch
        self.inc = nn.Conv2d(3, ch, 3, padding=1)
        self.down = nn.Conv2d(ch, ch * 2, 4, stride=2, padding=1)
        self.mid = nn.Conv2d(ch * 2, ch * 2, 3, padding=1)
        self.up = nn.ConvTranspose2d(ch * 2, ch, 4, stride=2, padding=1)
        self.out = nn.Conv2d(ch * 2, 3, 3, padding=1)

    def time_embed(self, t):
        half = self.ch // 2
        f = torch.exp(-math.log(10000) * torch.arange(half) / half)
        a = t[:, None].float() * f[None]
        return torch.cat([a.sin(), a.cos()], dim=1)

    def encode_text(self, tok_ids, tok_mask):
        hs = self.text_encoder(input_ids=tok_ids, attention_mask=tok_mask).last_hidden_state
        w = tok_mask.unsqueeze(-1).float()
        return (hs * w).sum(1) / w.sum(1)

    def forward(self, x, t, tok_ids, tok_mask):
        emb = self.time_proj(self.time_embed(t)) + self.cond_proj(self.encode_text(tok_ids, tok_mask))
        h0 = F.silu(self.inc(x))
        h = F.silu(self.down(h0)) + emb[:, :, None, None]
        h = F.silu(self.mid(h))
        h = F.silu(self.up(h))
        return self.out(torch.cat([h, h0], dim=1))


def main():
    workdir = tempfile.mkdtemp()
    tok = build_tokenizer(workdir)
    text_cfg = BertConfig(vocab_size=tok.vocab_size, hidden_size=32, num_hidden_layers=1,
                          num_attention_heads=2, intermediate_size=64,
                          max_position_embeddings=TEXT_CTX)
    net = IconDenoiser(text_cfg)
    betas = torch.linspace(1e-4, 0.05, T_STEPS)
    abar = torch.cumprod(1 - betas, 0)

    captions, icons = make_dataset(384)
    opt = torch.optim.Adam(net.parameters(), lr=2e-3)
    for step in range(60):
        idx = torch.randint(0, len(captions), (32,))
        batch_caps = ["" if random.random() < 0.1 else captions[i] for i in idx.tolist()]
        enc = tok(batch_caps, padding=True, return_tensors="pt")
        x0 = icons[idx]
        t = torch.randint(0, T_STEPS, (32,))
        noise = torch.randn_like(x0)
        a = abar[t][:, None, None, None]
        xt = a.sqrt() * x0 + (1 - a).sqrt() * noise
        loss = F.mse_loss(net(xt, t, enc["input_ids"], enc["attention_mask"]), noise)
        opt.zero_grad(); loss.backward(); opt.step()
        if step % 20 == 0:
            print(f"step {step}  loss {loss.item():.4f}")

    prompts = ["a green circle icon",
               "a small bright red circle in the top left corner next to a large blue square on a white background",
               "a yellow bar icon"]
    guidance = 3.0
    net.eval()
    with torch.no_grad():
        enc = tok(prompts + [""] * len(prompts), padding=True, truncation=True,
                  max_length=TEXT_CTX, return_tensors="pt")
        x = torch.randn(len(prompts), 3, 16, 16)
        for i in reversed(range(T_STEPS)):
            t = torch.full((2 * len(prompts),), i)
            eps_c, eps_u = net(torch.cat([x, x]), t, enc["input_ids"], enc["attention_mask"]).chunk(2)
            eps = eps_u + guidance * (eps_c - eps_u)
            a, b = abar[i], betas[i]
            x = (x - b / (1 - a).sqrt() * eps) / (1 - b).sqrt()
            if i > 0:
                x = x + b.sqrt() * torch.randn_like(x)
    print("generated icons:", tuple(x.shape), "mean rgb:", x.mean(dim=(0, 2, 3)).tolist())


if __name__ == "__main__":
    main()
