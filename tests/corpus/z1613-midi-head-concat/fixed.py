import torch
import torch.nn as nn
import torch.nn.functional as F

N_PITCHES = 128
BOS = N_PITCHES
VOCAB = N_PITCHES + 1

hparams = dict(
    d_model=64,
    n_heads=6,
    head_dim=16,
    n_layers=2,
    max_rel=24,
    phrase_len=32,
)


class RelativeBias(nn.Module):
    """Clipped relative-distance bias, one scalar per head (Shaw et al. style)."""

    def __init__(self, n_heads, max_rel):
        super().__init__()
        self.max_rel = max_rel
        self.table = nn.Embedding(2 * max_rel + 1, n_heads)

    def forward(self, t):
        pos = torch.arange(t)
        dist = (pos[None, :] - pos[:, None]).clamp(-self.max_rel, self.max_rel) + self.max_rel
        return self.table(dist).permute(2, 0, 1)  # (heads, t, t)


class NoteSelfAttention(nn.Module):
    def __init__(self, d_model, n_heads, head_dim, max_rel):
        super().__init__()
        self.n_heads = n_heads
        self.head_dim = head_dim
        inner = n_heads * head_dim
        self.to_q = nn.Linear(d_model, inner, bias=False)
        self.to_kv = nn.Linear(d_model, 2 * inner, bias=False)
        self.to_out = nn.Linear(inner, d_model)
        self.rel = RelativeBias(n_heads, max_rel)

    def split(self, x):
        b, t, _ = x.shape
        return x.reshape(b, t, self.n_heads, self.head_dim).transpose(1, 2)

    def forward(self, notes):
        b, t, _ = notes.shape
        q = self.split(self.to_q(notes))
        k, v = (self.split(z) for z in self.to_kv(notes).chunk(2, dim=-1))
        scores = torch.einsum("bhqd,bhkd->bhqk", q, k) * self.head_dim ** -0.5
        scores = scores + self.rel(t)[None]
        future = torch.triu(torch.ones(t, t, dtype=torch.bool), diagonal=1)
        scores = scores.masked_fill(future, float("-inf"))
        weights = scores.softmax(-1)
        mixed = torch.einsum("bhqk,bhkd->bhqd", weights, v)
        mixed = mixed.transpose(1, 2).reshape(b, t, -1)
        return self.to_out(mixed)


class DecoderLayer(nn.Module):
    def __init__(self, hp):
        super().__init__()
        self.norm_a = nn.LayerNorm(hp["d_model"])
        self.attn = NoteSelfAttention(hp["d_model"], hp["n_heads"], hp["head_dim"], hp["max_rel"])
        self.norm_b = nn.LayerNorm(hp["d_model"])
        self.mlp = nn.Sequential(
            nn.Linear(hp["d_model"], 2 * hp["d_model"]),
            nn.ReLU(),
            nn.Linear(2 * hp["d_model"], hp["d_model"]),
        )

    def forward(self, h):
        h = h + self.attn(self.norm_a(h))
        return h + self.mlp(self.norm_b(h))


class MelodyLM(nn.Module):
    def __init__(self, hp):
        super().__init__()
        self.pitch_emb = nn.Embedding(VOCAB, hp["d_model"])
        self.layers = nn.ModuleList(DecoderLayer(hp) for _ in range(hp["n_layers"]))
        self.norm = nn.LayerNorm(hp["d_model"])
        self.to_pitch = nn.Linear(hp["d_model"], N_PITCHES)

    def forward(self, pitches):
        h = self.pitch_emb(pitches)
        for layer in self.layers:
            h = layer(h)
        return self.to_pitch(self.norm(h))


def make_phrases(n, length, gen):
    """Random walks around middle C so the task is not pure noise."""
    steps = torch.randint(-3, 4, (n, length), generator=gen)
    start = torch.randint(55, 72, (n, 1), generator=gen)
    melody = (start + steps.cumsum(dim=1)).clamp(0, N_PITCHES - 1)
    bos = torch.full((n, 1), BOS)
    return torch.cat([bos, melody], dim=1)


def train():
    gen = torch.Generator().manual_seed(7)
    torch.manual_seed(7)
    phrases = make_phrases(64, hparams["phrase_len"], gen)
    model = MelodyLM(hparams)
    optim = torch.optim.Adam(model.parameters(), lr=1e-3)

    for step in range(4):
        idx = torch.randint(0, phrases.size(0), (16,), generator=gen)
        batch = phrases[idx]
        context, nxt = batch[:, :-1], batch[:, 1:]
        logits = model(context)
        loss = F.cross_entropy(logits.reshape(-1, N_PITCHES), nxt.reshape(-1))
        optim.zero_grad()
        loss.backward()
        optim.step()
        if step % 5 == 0:
            print(f"step {step:3d}  nll {loss.item():.3f}")


if __name__ == "__main__":
    train()
