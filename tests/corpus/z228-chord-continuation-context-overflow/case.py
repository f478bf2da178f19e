import random
from dataclasses import dataclass
import torch
import torch.nn as nn
import torch.nn.functional as F

random.seed(1)
torch.manual_seed(1)

CHORDS = ["C", "Dm", "Em", "F", "G", "Am", "Bdim", "G7", "E7", "A7", "D7", "Fm"]
STYLES = ["<jazz>", "<pop>", "<folk>"]
SPECIALS = ["<pad>", "<bos>", "<sep>"]
vocab = {tok: i for i, tok in enumerate(SPECIALS + STYLES + CHORDS)}


@dataclass
class ModelConfig:
    vocab_size: int = len(vocab)
    d_model: int = 48
    n_heads: int = 4
    n_layers: int = 2
    max_len: int = 32


def random_phrase(n_bars):
    return [random.choice(CHORDS) for _ in range(n_bars)]


def build_song(style):
    phrases = [random_phrase(random.randint(6, 10)) for _ in range(4)]
    return style, phrases


songs = [build_song(random.choice(STYLES)) for _ in range(24)]


def song_to_example(style, phrases):
    context = []
    for p in phrases[:-1]:
        context += p + ["<sep>"]
    tokens = ["<bos>", style, "<sep>"] + context + phrases[-1]
    return [vocab[t] for t in tokens]


class ChordLM(nn.Module):
    def __init__(self, cfg: ModelConfig):
        super().__init__()
        self.tok = nn.Embedding(cfg.vocab_size, cfg.d_model, padding_idx=0)
        self.pos = nn.Embedding(cfg.max_len, cfg.d_model)
        layer = nn.TransformerEncoderLayer(cfg.d_model, cfg.n_heads, 96, batch_first=True)
        self.blocks = nn.TransformerEncoder(layer, cfg.n_layers)
        self.out = nn.Linear(cfg.d_model, cfg.vocab_size)

    def forward(self, seq):
        T = seq.size(1)
        positions = torch.arange(T, device=seq.device).unsqueeze(0)
        h = self.tok(seq) + self.pos(positions)
        causal = nn.Transformer.generate_square_subsequent_mask(T)
        h = self.blocks(h, mask=causal, src_key_padding_mask=seq.eq(0), is_causal=True)
        return self.out(h)


def batches(examples, bs):
    order = list(range(len(examples)))
    random.shuffle(order)
    for i in range(0, len(order), bs):
        group = [examples[j] for j in order[i:i + bs]]
        width = max(len(g) for g in group)
        padded = torch.zeros(len(group), width, dtype=torch.long)
        for r, g in enumerate(group):
            padded[r, :len(g)] = torch.tensor(g)
        yield padded


cfg = ModelConfig()
examples = [song_to_example(s, ph) for s, ph in songs]
model = ChordLM(cfg)
optim = torch.optim.AdamW(model.parameters(), lr=3e-3)

for epoch in range(3):
    running = 0.0
    for seq in batches(examples, 6):
        inp, tgt = seq[:, :-1], seq[:, 1:]
        logits = model(inp)
        loss = F.cross_entropy(logits.reshape(-1, cfg.vocab_size), tgt.reshape(-1), ignore_index=0)
        optim.zero_grad()
        loss.backward()
        optim.step()
        running += loss.item()
    print(f"epoch {epoch}: {running:.3f}")
