"""
tremor: a small pure-PyTorch text model for volcano observatory bulletins.

Library half: WordVocab, TextEncoder, Head, build(). Usage half: an observatory
analyst training it to predict the alert level from the bulletin text.
"""
import math
import random

import torch
import torch.nn as nn
import torch.nn.functional as F


class WordVocab:
    def __init__(self, texts, min_count=1, specials=("<pad>", "<unk>")):
        counts = {}
        for t in texts:
            for w in t.lower().split():
                counts[w] = counts.get(w, 0) + 1
        self.itos = list(specials) + sorted(w for w, c in counts.items() if c >= min_count)
        self.stoi = {w: i for i, w in enumerate(self.itos)}
        self.pad_id = self.stoi["<pad>"]

    def __len__(self):
        return len(self.itos)

    def encode(self, text):
        return [self.stoi.get(w, 1) for w in text.lower().split()]


def batches(samples, vocab, batch_size=4, shuffle=True):
    order = list(range(len(samples)))
    if shuffle:
        random.shuffle(order)
    for i in range(0, len(order), batch_size):
        chunk = [samples[j] for j in order[i:i + batch_size]]
        seqs = [vocab.encode(text) for text, _ in chunk]
        longest = max(map(len, seqs))
        tokens = torch.tensor([s + [vocab.pad_id] * (longest - len(s)) for s in seqs])
        pad_flags = torch.tensor([[0] * len(s) + [1] * (longest - len(s)) for s in seqs], dtype=torch.bool)
        yield tokens, pad_flags, torch.tensor([y for _, y in chunk])


class TextEncoder(nn.Module):
    def __init__(self, vocab_size, d_model=32, nhead=2, num_layers=1, dim_ff=64,
                 max_len=128, dropout=0.1, **layer_kwargs):
        super().__init__()
        self.tok = nn.Embedding(vocab_size, d_model, padding_idx=0)
        self.pos = nn.Embedding(max_len, d_model)
        layer = nn.TransformerEncoderLayer(d_model, nhead, dim_ff, dropout,
                                           batch_first=True, **layer_kwargs)
        self.stack = nn.TransformerEncoder(layer, num_layers)
        self.scale = math.sqrt(d_model)

    def forward(self, tokens, pad_flags):
        positions = torch.arange(tokens.size(1), device=tokens.device).unsqueeze(0)
        x = self.tok(tokens) * self.scale + self.pos(positions)
        x = self.stack(x, src_key_padding_mask=pad_flags)
        live = (~pad_flags).unsqueeze(-1).float()
        return (x * live).sum(1) / live.sum(1)


class Head(nn.Module):
    def __init__(self, d_model, n_out, hidden=None, dropout=0.1):
        super().__init__()
        hidden = hidden or d_model
        self.mlp = nn.Sequential(nn.Linear(d_model, hidden), nn.Tanh(),
                                 nn.Dropout(dropout), nn.Linear(hidden, n_out))

    def forward(self, pooled):
        return self.mlp(pooled)


def build(texts, n_out, d_model=32, nhead=2, num_layers=1, dim_ff=64, max_len=128,
          dropout=0.1, head_hidden=None, **kwargs):
    vocab = WordVocab(texts)
    encoder = TextEncoder(len(vocab), d_model=d_model, nhead=nhead, num_layers=num_layers,
                          dim_ff=dim_ff, max_len=max_len, dropout=dropout, **kwargs)
    head = Head(d_model, n_out, hidden=head_hidden, dropout=dropout)
    return vocab, encoder, head


# ------------------------------------------------------------------ usage
if __name__ == "__main__":
    random.seed(3)
    torch.manual_seed(3)

    LEVELS = ["green", "yellow", "orange", "red"]
    bulletins = [
        ("background seismicity, no deformation, gas flux normal", 0),
        ("small swarm of volcano tectonic earthquakes beneath the summit", 1),
        ("inflation measured by gps, sulfur dioxide rising, increased swarm activity", 2),
        ("continuous tremor, ash emission to four kilometres, lava fountaining", 3),
        ("quiet period, webcam shows steaming only", 0),
        ("minor ground uplift and elevated fumarole temperature", 1),
        ("long period events increasing, crater lake acidity changed", 2),
        ("eruption column reported by pilots, pyroclastic flows on north flank", 3),
    ]

    vocab, encoder, head = build([t for t, _ in bulletins], n_out=len(LEVELS),
                                 d_model=32, dropout=0.05, activation="gelu")
    params = list(encoder.parameters()) + list(head.parameters())
    opt = torch.optim.AdamW(params, lr=1e-3, weight_decay=0.01)
    print(f"vocab size {len(vocab)}, trainable params {sum(p.numel() for p in params)}")

    for epoch in range(5):
        encoder.train(); head.train()
        total, seen = 0.0, 0
        for tokens, pad_flags, level in batches(bulletins, vocab):
            logits = head(encoder(tokens, pad_flags))
            loss = F.cross_entropy(logits, level)
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item() * len(level)
            seen += len(level)
        print(f"epoch {epoch}  loss {total / seen:.4f}")

    encoder.eval(); head.eval()
    with torch.no_grad():
        tokens, pad_flags, level = next(batches(bulletins, vocab, batch_size=8, shuffle=False))
        pred = head(encoder(tokens, pad_flags)).argmax(-1)
    acc = (pred == level).float().mean().item()
    print(f"train accuracy {acc:.2f}:", [LEVELS[i] for i in pred.tolist()])
