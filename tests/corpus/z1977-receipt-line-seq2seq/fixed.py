"""Attention seq2seq recognizer for printed receipt lines (item + price).

Line crops are resized to a fixed height of 32 px, width follows the aspect ratio,
and are right-padded to the widest line in the batch.
"""
import random

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(1)
random.seed(1)

LINE_H = 32
PX_PER_CHAR = 9

items = ["MILK 2L", "BREAD", "EGGS X12", "APPLES", "COFFEE", "RICE 1KG", "BUTTER", "TOMATO"]
receipt_lines = [f"{random.choice(items)} {random.randint(0, 19)}.{random.randint(0, 99):02d}"
                 for _ in range(48)]

PAD, SOS, EOS = 0, 1, 2
alphabet = sorted(set("".join(receipt_lines)))
stoi = {ch: i + 3 for i, ch in enumerate(alphabet)}
itos = {i: ch for ch, i in stoi.items()}
vocab_size = len(alphabet) + 3

char_ink = {ch: torch.rand(LINE_H, PX_PER_CHAR) for ch in alphabet}


def scan_line(text):
    cols = [char_ink[ch] for ch in text]
    img = torch.cat(cols, dim=1) + 0.05 * torch.randn(LINE_H, PX_PER_CHAR * len(text))
    raw_h = random.choice([40, 48, 56])
    raw = F.interpolate(img[None, None], size=(raw_h, int(img.shape[1] * raw_h / LINE_H)))
    new_w = max(8, round(raw.shape[-1] * LINE_H / raw_h))
    return F.interpolate(raw, size=(LINE_H, new_w), mode="bilinear", align_corners=False)[0]


def collate(texts):
    crops = [scan_line(t) for t in texts]
    width = max(c.shape[-1] for c in crops)
    images = torch.zeros(len(crops), 1, LINE_H, width)
    for i, c in enumerate(crops):
        images[i, :, :, :c.shape[-1]] = c
    seq_len = max(len(t) for t in texts) + 2
    tokens = torch.full((len(texts), seq_len), PAD, dtype=torch.long)
    for i, t in enumerate(texts):
        ids = [SOS] + [stoi[ch] for ch in t] + [EOS]
        tokens[i, :len(ids)] = torch.tensor(ids)
    return images, tokens


class LineEncoder(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.cnn = nn.Sequential(
            nn.Conv2d(1, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(32, dim, 3, padding=1), nn.ReLU(), nn.MaxPool2d((2, 1)),
        )
        self.proj = nn.Linear(dim * LINE_H // 4, dim)

    def forward(self, images):
        f = self.cnn(images)
        b, c, h, w = f.shape
        return self.proj(f.permute(0, 3, 1, 2).reshape(b, w, c * h))   # B, W', dim


class AttnDecoder(nn.Module):
    def __init__(self, vocab, dim):
        super().__init__()
        self.embed = nn.Embedding(vocab, dim, padding_idx=PAD)
        self.gru = nn.GRU(2 * dim, dim, batch_first=True)
        self.out = nn.Linear(2 * dim, vocab)

    def forward(self, memory, prev_tokens):
        hidden = memory.mean(1, keepdim=True).transpose(0, 1).contiguous()
        context = memory.mean(1)
        step_logits = []
        for t in range(prev_tokens.shape[1]):
            emb = self.embed(prev_tokens[:, t])
            o, hidden = self.gru(torch.cat([emb, context], -1)[:, None], hidden)
            o = o[:, 0]
            attn = torch.softmax(torch.einsum("bd,bwd->bw", o, memory), dim=-1)
            context = torch.einsum("bw,bwd->bd", attn, memory)
            step_logits.append(self.out(torch.cat([o, context], -1)))
        return torch.stack(step_logits, dim=1)


class ReceiptReader(nn.Module):
    def __init__(self, vocab, dim=64):
        super().__init__()
        self.encoder = LineEncoder(dim)
        self.decoder = AttnDecoder(vocab, dim)

    def forward(self, images, prev_tokens):
        return self.decoder(self.encoder(images), prev_tokens)


reader = ReceiptReader(vocab_size)
optimizer = torch.optim.AdamW(reader.parameters(), lr=2e-3)
print(f"alphabet of {len(alphabet)} symbols, vocab {vocab_size}")

for epoch in range(2):
    random.shuffle(receipt_lines)
    total = 0.0
    for start in range(0, len(receipt_lines), 8):
        images, tokens = collate(receipt_lines[start:start + 8])
        dec_in, dec_target = tokens[:, :-1], tokens[:, 1:]
        logits = reader(images, dec_in)
        loss = F.cross_entropy(logits.transpose(1, 2), dec_target, ignore_index=PAD)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        total += loss.item()
    print(f"epoch {epoch}: loss {total / (len(receipt_lines) // 8):.3f}")

reader.eval()
with torch.no_grad():
    images, tokens = collate(receipt_lines[:4])
    memory = reader.encoder(images)
    decoded = torch.full((4, 1), SOS, dtype=torch.long)
    for _ in range(tokens.shape[1]):
        nxt = reader.decoder(memory, decoded)[:, -1].argmax(-1, keepdim=True)
        decoded = torch.cat([decoded, nxt], dim=1)
for row, truth in zip(decoded[:, 1:].tolist(), receipt_lines[:4]):
    text = "".join(itos.get(i, "") for i in (row[:row.index(EOS)] if EOS in row else row))
    print(f"{truth!r:>20} -> {text!r}")
