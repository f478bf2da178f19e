"""Transcribe parish-register line images with a small CNN encoder and a
TrOCR text decoder (character level), trained with teacher forcing."""
import random

import torch
import torch.nn as nn
from transformers import TrOCRConfig, TrOCRForCausalLM

torch.manual_seed(3)
random.seed(3)

LINE_HEIGHT = 40
REGISTER_LINES = [
    "baptized john son of william hayward",
    "buried mary wife of thomas cox aged 67",
    "married george lowe and sarah bywater",
    "baptized elizabeth daughter of james kemp",
    "buried an infant of joseph wyatt",
    "married henry fox and ann izzard by banns",
    "baptized zachary son of robert quelch",
    "buried widow jakeman aged 81",
]
PAD, BOS, EOS = "<pad>", "<s>", "</s>"
SPECIALS = [PAD, BOS, EOS]


class CharCodec:
    def __init__(self, corpus):
        self.charset = sorted(set("".join(corpus)))
        self.itos = SPECIALS + self.charset
        self.stoi = {s: i for i, s in enumerate(self.itos)}

    def encode(self, line):
        return [self.stoi[BOS]] + [self.stoi[c] for c in line] + [self.stoi[EOS]]

    def decode(self, ids):
        out = []
        for i in ids:
            tok = self.itos[i]
            if tok == EOS:
                break
            if tok not in SPECIALS:
                out.append(tok)
        return "".join(out)


def fake_line_image(text):
    # resized scan: fixed height, width proportional to the text length
    width = 8 * len(text)
    img = torch.rand(1, LINE_HEIGHT, width) * 0.3
    for k, ch in enumerate(text):
        if ch != " ":
            img[:, 10:30, 8 * k + 1: 8 * k + 7] += (ord(ch) % 17) / 17
    return img


class LineEncoder(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.body = nn.Sequential(
            nn.Conv2d(1, 24, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(24, dim, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            nn.AdaptiveAvgPool2d((1, None)),
        )

    def forward(self, x):
        return self.body(x).squeeze(2).transpose(1, 2)   # (B, W/4, dim)


def make_batch(lines, codec):
    imgs = [fake_line_image(t) for t in lines]
    max_w = max(i.shape[-1] for i in imgs)
    pixels = torch.zeros(len(imgs), 1, LINE_HEIGHT, max_w)
    for i, im in enumerate(imgs):
        pixels[i, :, :, : im.shape[-1]] = im
    seqs = [codec.encode(t) for t in lines]
    max_len = max(len(s) for s in seqs)
    dec_in = torch.full((len(seqs), max_len - 1), codec.stoi[PAD], dtype=torch.long)
    dec_tgt = torch.full((len(seqs), max_len - 1), -100, dtype=torch.long)
    for i, s in enumerate(seqs):
        dec_in[i, : len(s) - 1] = torch.tensor(s[:-1])
        dec_tgt[i, : len(s) - 1] = torch.tensor(s[1:])
    return pixels, dec_in, dec_tgt


def main():
    codec = CharCodec(REGISTER_LINES)
    enc_dim = 48
    cfg = TrOCRConfig(
        vocab_size=len(codec.itos),
        d_model=64,
        decoder_layers=2,
        decoder_attention_heads=4,
        decoder_ffn_dim=128,
        max_position_embeddings=64,
        cross_attention_hidden_size=enc_dim,
        pad_token_id=codec.stoi[PAD],
        bos_token_id=codec.stoi[BOS],
        eos_token_id=codec.stoi[EOS],
        decoder_start_token_id=codec.stoi[BOS],
        use_learned_position_embeddings=True,
    )
    encoder = LineEncoder(enc_dim)
    decoder = TrOCRForCausalLM(cfg)
    params = list(encoder.parameters()) + list(decoder.parameters())
    opt = torch.optim.AdamW(params, lr=1e-3)

    for step in range(6):
        batch_lines = random.sample(REGISTER_LINES, 4)
        pixels, dec_in, dec_tgt = make_batch(batch_lines, codec)
        memory = encoder(pixels)
        out = decoder(input_ids=dec_in, encoder_hidden_states=memory, labels=dec_tgt)
        opt.zero_grad()
        out.loss.backward()
        opt.step()
        print(f"step {step} loss {out.loss.item():.3f}")

    encoder.eval()
    decoder.eval()
    with torch.no_grad():
        pixels, _, _ = make_batch(REGISTER_LINES[:1], codec)
        memory = encoder(pixels)
        ids = torch.tensor([[codec.stoi[BOS]]])
        for _ in range(40):
            logits = decoder(input_ids=ids, encoder_hidden_states=memory).logits
            ids = torch.cat([ids, logits[:, -1:].argmax(-1)], dim=1)
    print("greedy:", codec.decode(ids[0, 1:].tolist()))


if __name__ == "__main__":
    main()
