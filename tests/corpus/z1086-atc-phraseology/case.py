"""Autocomplete for ATC readbacks: a tiny causal transformer trained on standard
phraseology, then beam search to suggest how a partial readback continues."""
from functools import singledispatch

import torch
from torch import nn

torch.manual_seed(3)

PHRASES = [
    "climb and maintain flight level three five zero",
    "descend and maintain flight level one two zero",
    "turn left heading two seven zero",
    "turn right heading zero niner zero",
    "contact approach one two four decimal five",
    "cleared to land runway two seven left",
    "line up and wait runway zero niner",
    "hold short runway two seven right",
]
SPECIALS = ["<pad>", "<bos>", "<eos>"]
VOCAB = SPECIALS + sorted({w for p in PHRASES for w in p.split()})
STOI = {w: i for i, w in enumerate(VOCAB)}
MAX_LEN = 16


@singledispatch
def encode(text) -> list:
    raise TypeError(f"cannot encode {type(text).__name__}")


@encode.register
def _(text: str) -> list:
    return [STOI["<bos>"]] + [STOI[w] for w in text.split()]


@encode.register
def _(texts: list) -> list:
    return [encode(t) + [STOI["<eos>"]] for t in texts]


def decode(ids) -> str:
    return " ".join(VOCAB[i] for i in ids if i >= len(SPECIALS))


class TinyDecoder(nn.Module):
    def __init__(self, vocab: int, dim: int = 48, heads: int = 4, layers: int = 2):
        super().__init__()
        self.tok = nn.Embedding(vocab, dim, padding_idx=0)
        self.pos = nn.Embedding(MAX_LEN, dim)
        block = nn.TransformerEncoderLayer(dim, heads, 96, dropout=0.0, batch_first=True)
        self.body = nn.TransformerEncoder(block, layers)
        self.out = nn.Linear(dim, vocab)

    def forward(self, ids: torch.Tensor) -> torch.Tensor:
        n = ids.size(1)
        h = self.tok(ids) + self.pos(torch.arange(n))
        causal = nn.Transformer.generate_square_subsequent_mask(n)
        return self.out(self.body(h, mask=causal, is_causal=True))


def make_batch(seqs):
    width = max(len(s) for s in seqs)
    grid = torch.zeros(len(seqs), width, dtype=torch.long)
    for row, s in enumerate(seqs):
        grid[row, : len(s)] = torch.tensor(s)
    return grid


def train(model, steps=12):
    grid = make_batch(encode(PHRASES))
    opt = torch.optim.Adam(model.parameters(), lr=3e-3)
    loss_fn = nn.CrossEntropyLoss(ignore_index=0)
    for step in range(steps):
        logits = model(grid[:, :-1])
        loss = loss_fn(logits.reshape(-1, logits.size(-1)), grid[:, 1:].reshape(-1))
        opt.zero_grad()
        loss.backward()
        opt.step()
        if step % 40 == 0:
            print(f"step {step:3d} loss {loss.item():.3f}")


@torch.no_grad()
def beam_complete(model, prefix: str, beams: int = 3, extra: int = 5):
    model.eval()
    vocab_size = len(VOCAB)
    seqs = torch.tensor([encode(prefix)] * beams)
    scores = torch.tensor([0.0] + [-1e9] * (beams - 1))
    for _ in range(extra):
        logp = model(seqs)[:, -1].log_softmax(-1)
        flat = (scores[:, None] + logp).reshape(-1)
        scores, flat_idx = flat.topk(beams)
        origin = torch.div(flat_idx, vocab_size, rounding_mode="floor")
        seqs = torch.cat([seqs[origin], flat_idx[:, None]], dim=1)
    return [(decode(s.tolist()), sc.item()) for s, sc in zip(seqs, scores)]


def self_check():
    ids = encode(PHRASES[:2])
    assert ids[0][0] == STOI["<bos>"] and ids[0][-1] == STOI["<eos>"]
    assert decode(ids[1]) == PHRASES[1]
    grid = make_batch(ids)
    assert grid.shape == (2, max(len(i) for i in ids))
    out = TinyDecoder(len(VOCAB))(grid)
    assert out.shape == (*grid.shape, len(VOCAB))
    print("self_check ok")


if __name__ == "__main__":
    self_check()
    model = TinyDecoder(len(VOCAB))
    train(model)
    for prefix in ["turn left", "cleared to", "climb and maintain"]:
        for text, score in beam_complete(model, prefix):
            print(f"{score:8.3f}  {text}")
