"""Classify ice-core / borehole driller notes into stratum type.

Plain PyTorch: word-level vocab, small transformer encoder, mean pooling.
"""
import functools
import random
from collections import Counter

import torch
import torch.nn as nn
import torch.nn.functional as F

STRATA = ["firn", "clear_ice", "dust_band", "ash_layer", "bedrock"]
NOTES = [
    ("granular porous snow compacting slowly low density", "firn"),
    ("bubbly white firn with visible grain boundaries", "firn"),
    ("glassy clear ice very few bubbles long crystals", "clear_ice"),
    ("clear dense ice bubbles closed off", "clear_ice"),
    ("thin grey dust band dark streaks in ice", "dust_band"),
    ("cloudy band fine dust loess particles", "dust_band"),
    ("black volcanic ash layer sharp boundary tephra", "ash_layer"),
    ("ash tephra shards brown layer two millimetres", "ash_layer"),
    ("drill bit hit rock chips granite fragments", "bedrock"),
    ("rock flour and gravel at base of hole bedrock contact", "bedrock"),
]


class Vocab:
    def __init__(self, texts, min_count=1):
        counts = Counter(w for t in texts for w in t.split())
        self.itos = ["<pad>", "<unk>"] + sorted(w for w, c in counts.items() if c >= min_count)
        self.stoi = {w: i for i, w in enumerate(self.itos)}

    def __len__(self):
        return len(self.itos)

    def __call__(self, text):
        return [self.stoi.get(w, 1) for w in text.split()]


class BaseModel(nn.Module):
    HIDDEN = 64
    N_HEADS = 4
    MAX_LEN = 32

    def __init__(self, vocab_size, **kwargs):
        super().__init__(**kwargs)
        self.embed = nn.Embedding(vocab_size, self.HIDDEN, padding_idx=0)
        self.pos = nn.Embedding(self.MAX_LEN, self.HIDDEN)
        self.encoder = self.build_encoder()

    def build_encoder(self):
        layer = nn.TransformerEncoderLayer(self.HIDDEN, self.N_HEADS, dim_feedforward=self.HIDDEN * 2,
                                           batch_first=True)
        return nn.TransformerEncoder(layer, num_layers=1)

    def encode(self, tokens, pad):
        positions = torch.arange(tokens.size(1)).unsqueeze(0)
        h = self.embed(tokens) + self.pos(positions)
        return self.encoder(h, src_key_padding_mask=pad)


class MeanPoolHeadMixin:
    def __init__(self, n_classes, head_hidden=64, **kwargs):
        super().__init__(**kwargs)
        self.head = nn.Sequential(nn.Dropout(0.1), nn.Linear(head_hidden, n_classes))

    def forward(self, tokens, pad):
        h = self.encode(tokens, pad)
        keep = (~pad).unsqueeze(-1).float()
        pooled = (h * keep).sum(1) / keep.sum(1).clamp(min=1.0)
        return self.head(pooled)


class StrataClassifier(MeanPoolHeadMixin, BaseModel):
    # the driller notes are short but the terms are quite specific; give it a wider encoder
    HIDDEN = 96
    N_HEADS = 4

    def __init__(self, vocab_size, n_classes):
        super().__init__(n_classes=n_classes, vocab_size=vocab_size)


def make_batch(rows, vocab):
    seqs = [torch.tensor(vocab(text)) for text, _ in rows]
    tokens = nn.utils.rnn.pad_sequence(seqs, batch_first=True, padding_value=0)
    pad = tokens.eq(0)
    target = torch.tensor([STRATA.index(lbl) for _, lbl in rows])
    return tokens, pad, target


def iterate(rows, batch_size, collate):
    order = list(range(len(rows)))
    random.shuffle(order)
    for i in range(0, len(order), batch_size):
        yield collate([rows[j] for j in order[i:i + batch_size]])


def main():
    random.seed(11)
    torch.manual_seed(11)
    vocab = Vocab([t for t, _ in NOTES])
    collate = functools.partial(make_batch, vocab=vocab)
    model = StrataClassifier(len(vocab), n_classes=len(STRATA))
    print(f"vocab={len(vocab)} params={sum(p.numel() for p in model.parameters())}")

    opt = torch.optim.AdamW(model.parameters(), lr=2e-3, weight_decay=0.01)
    for epoch in range(5):
        model.train()
        seen, running = 0, 0.0
        for tokens, pad, target in iterate(NOTES, 4, collate):
            logits = model(tokens, pad)
            loss = F.cross_entropy(logits, target)
            opt.zero_grad()
            loss.backward()
            opt.step()
            running += loss.item() * len(target)
            seen += len(target)
        print(f"epoch {epoch} loss {running / seen:.4f}")

    model.eval()
    with torch.no_grad():
        tokens, pad, target = collate(NOTES)
        acc = (model(tokens, pad).argmax(-1) == target).float().mean().item()
    print(f"train accuracy {acc:.2f}")


if __name__ == "__main__":
    main()
