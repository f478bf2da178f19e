import math
import os
import tempfile

import torch
import torch.nn as nn
import torch.nn.functional as F
from transformers import BertConfig, BertModel, BertTokenizer

torch.manual_seed(0)

PALETTE_WORDS = ["red", "blue", "green", "yellow", "knight", "slime", "potion", "sword",
                 "tree", "chest", "small", "big", "a", "with", "shield", "gold"]
SPRITE_PROMPTS = ["a red slime", "a blue knight with shield", "a small green tree",
                  "a gold chest", "a big yellow sword", "a red potion", "a blue slime", "a green knight"]
NUM_STEPS = 200
SPRITE_RES = 16
CFG_DROP = 0.1


def write_vocab(folder):
    path = os.path.join(folder, "sprite_vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + PALETTE_WORDS) + "\n")
    return path


def make_sprites(n):
    imgs = torch.zeros(n, 3, SPRITE_RES, SPRITE_RES)
    for i in range(n):
        c = i % 3
        x0, y0 = torch.randint(2, 8, (2,)).tolist()
        imgs[i, c, y0:y0 + 6, x0:x0 + 6] = 1.0
    return imgs * 2 - 1


def timestep_embedding(steps, dim):
    half = dim // 2
    freqs = torch.exp(-math.log(10000.0) * torch.arange(half, dtype=torch.float32) / half)
    ang = steps.float()[:, None] * freqs[None, :]
    return torch.cat([ang.sin(), ang.cos()], dim=-1)


class PromptEncoder(nn.Module):
    def __init__(self, tokenizer, cfg):
        super().__init__()
        self.tokenizer = tokenizer
        self.bert = BertModel(cfg)

    def forward(self, prompts):
        tok = self.tokenizer(prompts, padding=True, return_tensors="pt")
        hidden = self.bert(**tok).last_hidden_state
        keep = tok["attention_mask"].unsqueeze(-1).float()
        mean_tok = (hidden * keep).sum(1) / keep.sum(1)
        return torch.cat([hidden[:, 0], mean_tok], dim=-1)


class ResBlock(nn.Module):
    def __init__(self, cin, cout, emb_dim):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, padding=1)
        self.conv2 = nn.Conv2d(cout, cout, 3, padding=1)
        self.emb = nn.Linear(emb_dim, cout)
        self.skip = nn.Conv2d(cin, cout, 1) if cin != cout else nn.Identity()

    def forward(self, x, emb):
        h = F.silu(self.conv1(x))
        h = h + self.emb(emb)[:, :, None, None]
        h = F.silu(self.conv2(h))
        return h + self.skip(x)


class SpriteUNet(nn.Module):
    def __init__(self, cond_dim, ch=32, emb_dim=48):
        super().__init__()
        self.emb_dim = emb_dim
        self.time_mlp = nn.Sequential(nn.Linear(emb_dim, emb_dim), nn.SiLU(), nn.Linear(emb_dim, emb_dim))
        self.cond_proj = nn.Linear(cond_dim, emb_dim)
        self.inp = nn.Conv2d(3, ch, 3, padding=1)
        self.down = ResBlock(ch, ch * 2, emb_dim)
        self.mid = ResBlock(ch * 2, ch * 2, emb_dim)
        self.up = ResBlock(ch * 4, ch, emb_dim)
        self.out = nn.Conv2d(ch, 3, 3, padding=1)

    def forward(self, x, t, cond):
        emb = self.time_mlp(timestep_embedding(t, self.emb_dim)) + self.cond_proj(cond)
        h0 = self.inp(x)
        h1 = self.down(F.avg_pool2d(h0, 2), emb)
        h2 = self.mid(h1, emb)
        h = F.interpolate(torch.cat([h2, h1], 1), scale_factor=2)
        return self.out(self.up(h, emb))


def main():
    workdir = tempfile.mkdtemp()
    tokenizer = BertTokenizer(write_vocab(workdir))
    text_cfg = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=1,
                          num_attention_heads=2, intermediate_size=64, max_position_embeddings=32)
    prompt_enc = PromptEncoder(tokenizer, text_cfg)
    unet = SpriteUNet(cond_dim=text_cfg.hidden_size)

    betas = torch.linspace(1e-4, 0.02, NUM_STEPS)
    alpha_bar = torch.cumprod(1.0 - betas, dim=0)

    sprites = make_sprites(len(SPRITE_PROMPTS) * 2)
    captions = SPRITE_PROMPTS * 2
    params = list(unet.parameters()) + list(prompt_enc.parameters())
    opt = torch.optim.AdamW(params, lr=2e-4)

    for epoch in range(3):
        perm = torch.randperm(len(captions))
        for start in range(0, len(captions), 8):
            idx = perm[start:start + 8]
            x0 = sprites[idx]
            batch_prompts = [captions[i] if torch.rand(()) > CFG_DROP else "" for i in idx.tolist()]
            cond = prompt_enc(batch_prompts)
            t = torch.randint(0, NUM_STEPS, (x0.shape[0],))
            noise = torch.randn_like(x0)
            ab = alpha_bar[t].view(-1, 1, 1, 1)
            xt = ab.sqrt() * x0 + (1 - ab).sqrt() * noise
            loss = F.mse_loss(unet(xt, t, cond), noise)
            opt.zero_grad()
            loss.backward()
            opt.step()
        print(f"epoch {epoch} loss {loss.item():.4f}")

    unet.eval()
    with torch.no_grad():
        guide = 3.0
        cond = prompt_enc(["a red slime", "a blue knight with shield"])
        uncond = prompt_enc(["", ""])
        x = torch.randn(2, 3, SPRITE_RES, SPRITE_RES)
        for step in reversed(range(0, NUM_STEPS, 20)):
            t = torch.full((2,), step, dtype=torch.long)
            eps_c = unet(x, t, cond)
            eps_u = unet(x, t, uncond)
            eps = eps_u + guide * (eps_c - eps_u)
            ab = alpha_bar[step]
            x0_hat = ((x - (1 - ab).sqrt() * eps) / ab.sqrt()).clamp(-1, 1)
            prev = alpha_bar[step - 20] if step >= 20 else torch.tensor(1.0)
            x = prev.sqrt() * x0_hat + (1 - prev).sqrt() * eps
    print("sampled sprites", tuple(x.shape), float(x.mean()))


if __name__ == "__main__":
    main()
