import math
import random
from dataclasses import dataclass
from itertools import accumulate, groupby

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import Dataset, DataLoader

random.seed(11)
torch.manual_seed(11)

PAD, BOS, EOS = 0, 1, 2
SPECIALS = ["<pad>", "<bos>", "<eos>"]
PITCH_RANGE = range(36, 97)
DURATIONS = [1, 2, 3, 4, 6, 8, 12, 16]

vocab = list(SPECIALS)
vocab += [f"pitch:{p}" for p in PITCH_RANGE]
vocab += [f"dur:{d}" for d in DURATIONS]
vocab += [f"rest:{d}" for d in DURATIONS]
tok2id = {t: i for i, t in enumerate(vocab)}


@dataclass
class ModelConfig:
    vocab_size: int = len(vocab)
    d_model: int = 64
    n_heads: int = 4
    n_layers: int = 2
    n_styles: int = 3
    dropout: float = 0.1


def make_piece(style):
    contour = {0: [2, 2, 1, 2], 1: [-1, -2, 3, -2], 2: [5, -3, 4, -7]}[style]
    pitch = random.choice([55, 60, 64, 67])
    t = 0
    notes = []
    for i in range(random.randint(6, 30)):
        dur = random.choice(DURATIONS[:5])
        if random.random() < 0.15:
            t += random.choice([2, 4])
        notes.append((pitch, t, dur))
        t += dur
        pitch = min(max(pitch + contour[i % 4] + random.choice([-1, 0, 0, 1]), PITCH_RANGE.start),
                    PITCH_RANGE.stop - 1)
    return notes


def tokenize(notes):
    out = [BOS]
    prev_end = 0
    for pitch, start, dur in notes:
        gap = start - prev_end
        if gap > 0:
            out.append(tok2id[f"rest:{min(DURATIONS, key=lambda d: abs(d - gap))}"])
        out.append(tok2id[f"pitch:{pitch}"])
        out.append(tok2id[f"dur:{dur}"])
        prev_end = start + dur
    out.append(EOS)
    return out


class PhraseDataset(Dataset):
    def __init__(self, n):
        self.items = []
        for _ in range(n):
            style = random.randrange(3)
            self.items.append((tokenize(make_piece(style)), style))

    def __len__(self):
        return len(self.items)

    def __getitem__(self, idx):
        ids, style = self.items[idx]
        return torch.tensor(ids), style


def collate(batch):
    seqs, styles = zip(*batch)
    T = max(len(s) for s in seqs)
    ids = torch.full((len(seqs), T), PAD, dtype=torch.long)
    pad_mask = torch.ones(len(seqs), T, dtype=torch.bool)
    for i, s in enumerate(seqs):
        ids[i, :len(s)] = s
        pad_mask[i, :len(s)] = 0
    return {"ids": ids, "pad_mask": pad_mask, "style": torch.tensor(styles)}


class SelfAttention(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.h = cfg.n_heads
        self.qkv = nn.Linear(cfg.d_model, 3 * cfg.d_model)
        self.out = nn.Linear(cfg.d_model, cfg.d_model)
        self.drop = nn.Dropout(cfg.dropout)

    def forward(self, x, pad_mask):
        B, T, D = x.shape
        q, k, v = self.qkv(x).view(B, T, 3, self.h, D // self.h).permute(2, 0, 3, 1, 4)
        scores = q @ k.transpose(-2, -1) / math.sqrt(D // self.h)
        scores = scores.masked_fill(pad_mask[:, None, None, :], float("-inf"))
        att = self.drop(scores.softmax(-1))
        y = (att @ v).transpose(1, 2).reshape(B, T, D)
        return self.out(y)


class Block(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.ln1 = nn.LayerNorm(cfg.d_model)
        self.attn = SelfAttention(cfg)
        self.ln2 = nn.LayerNorm(cfg.d_model)
        self.ff = nn.Sequential(nn.Linear(cfg.d_model, 4 * cfg.d_model), nn.GELU(),
                                nn.Linear(4 * cfg.d_model, cfg.d_model))

    def forward(self, x, pad_mask):
        x = x + self.attn(self.ln1(x), pad_mask)
        return x + self.ff(self.ln2(x))


class StyleClassifier(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.tok = nn.Embedding(cfg.vocab_size, cfg.d_model, padding_idx=PAD)
        self.pos = nn.Embedding(256, cfg.d_model)
        self.blocks = nn.ModuleList(Block(cfg) for _ in range(cfg.n_layers))
        self.norm = nn.LayerNorm(cfg.d_model)
        self.cls = nn.Linear(cfg.d_model, cfg.n_styles)

    def forward(self, ids, pad_mask):
        pos = torch.arange(ids.size(1), device=ids.device)
        x = self.tok(ids) + self.pos(pos)
        for blk in self.blocks:
            x = blk(x, pad_mask)
        keep = (~pad_mask.bool()).unsqueeze(-1).float()
        pooled = (self.norm(x) * keep).sum(1) / keep.sum(1)
        return self.cls(pooled)


def main():
    cfg = ModelConfig()
    train = PhraseDataset(192)
    lengths = sorted(len(ids) for ids, _ in train.items)
    print("vocab", cfg.vocab_size, "length buckets",
          [(k, len(list(g))) for k, g in groupby(lengths, key=lambda n: n // 20 * 20)])
    loader = DataLoader(train, batch_size=16, shuffle=True, collate_fn=collate)
    model = StyleClassifier(cfg)
    opt = torch.optim.AdamW(model.parameters(), lr=2e-3, weight_decay=0.01)

    history = []
    for epoch in range(3):
        model.train()
        correct = seen = 0
        for batch in loader:
            logits = model(batch["ids"], batch["pad_mask"])
            loss = F.cross_entropy(logits, batch["style"])
            opt.zero_grad()
            loss.backward()
            opt.step()
            correct += (logits.argmax(-1) == batch["style"]).sum().item()
            seen += len(batch["style"])
            history.append(loss.item())
        print(f"epoch {epoch}: acc {correct / seen:.2f}")
    running = list(accumulate(history, lambda a, b: 0.9 * a + 0.1 * b))
    print(f"smoothed final loss {running[-1]:.3f}")


if __name__ == "__main__":
    main()
