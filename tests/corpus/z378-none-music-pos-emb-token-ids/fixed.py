"""Next-event prediction on symbolic piano performances (NOTE_ON / NOTE_OFF / TIME_SHIFT / VELOCITY events)."""
import argparse
import math

import torch
from torch import nn
import torch.nn.functional as F

N_NOTE_ON, N_NOTE_OFF, N_TIME_SHIFT, N_VELOCITY = 128, 128, 100, 32
PAD_ID = 0
EVENT_OFFSET = 1
VOCAB_SIZE = EVENT_OFFSET + N_NOTE_ON + N_NOTE_OFF + N_TIME_SHIFT + N_VELOCITY


def parse_args():
    p = argparse.ArgumentParser()
    p.add_argument("--context", type=int, default=64)
    p.add_argument("--d-model", type=int, default=48)
    p.add_argument("--heads", type=int, default=4)
    p.add_argument("--layers", type=int, default=2)
    p.add_argument("--batch-size", type=int, default=8)
    p.add_argument("--steps", type=int, default=20)
    p.add_argument("--seed", type=int, default=7)
    return p.parse_args()


def fake_performance(length, gen):
    """A crude random walk over pitches rendered as an event stream."""
    events = []
    pitch = 60
    while len(events) < length:
        pitch = int(min(108, max(21, pitch + torch.randint(-5, 6, (1,), generator=gen).item())))
        vel = torch.randint(0, N_VELOCITY, (1,), generator=gen).item()
        shift = torch.randint(0, N_TIME_SHIFT, (1,), generator=gen).item()
        events += [
            EVENT_OFFSET + N_NOTE_ON + N_NOTE_OFF + N_TIME_SHIFT + vel,
            EVENT_OFFSET + pitch,
            EVENT_OFFSET + N_NOTE_ON + N_NOTE_OFF + shift,
            EVENT_OFFSET + N_NOTE_ON + pitch,
        ]
    return events[:length]


def make_batch(batch_size, context, gen):
    seqs = [fake_performance(context + 1, gen) for _ in range(batch_size)]
    data = torch.tensor(seqs, dtype=torch.long)
    return data[:, :-1], data[:, 1:]


class PerformanceLM(nn.Module):
    def __init__(self, vocab_size, context, d_model, heads, layers):
        super().__init__()
        self.event_emb = nn.Embedding(vocab_size, d_model, padding_idx=PAD_ID)
        self.pos_emb = nn.Embedding(context, d_model)
        block = nn.TransformerEncoderLayer(d_model, heads, dim_feedforward=4 * d_model, batch_first=True, dropout=0.1)
        self.blocks = nn.TransformerEncoder(block, layers)
        self.ln_f = nn.LayerNorm(d_model)
        self.lm_head = nn.Linear(d_model, vocab_size)
        self.scale = math.sqrt(d_model)

    def embed(self, event_ids, position_ids):
        return self.event_emb(event_ids) * self.scale + self.pos_emb(position_ids)

    def forward(self, event_ids):
        b, t = event_ids.shape
        positions = torch.arange(t, device=event_ids.device).unsqueeze(0).expand(b, t)
        x = self.embed(event_ids, positions)
        causal = nn.Transformer.generate_square_subsequent_mask(t, device=event_ids.device)
        x = self.blocks(x, mask=causal, is_causal=True)
        return self.lm_head(self.ln_f(x))


def train(args):
    torch.manual_seed(args.seed)
    gen = torch.Generator().manual_seed(args.seed)
    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    model = PerformanceLM(VOCAB_SIZE, args.context, args.d_model, args.heads, args.layers).to(device)
    optim = torch.optim.AdamW(model.parameters(), lr=3e-4, weight_decay=0.01)

    for step in range(args.steps):
        inputs, targets = make_batch(args.batch_size, args.context, gen)
        inputs, targets = inputs.to(device), targets.to(device)
        logits = model(inputs)
        loss = F.cross_entropy(logits.reshape(-1, VOCAB_SIZE), targets.reshape(-1), ignore_index=PAD_ID)
        optim.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optim.step()
        if step % 5 == 0:
            print(f"step {step:3d}  loss {loss.item():.3f}")
    return model


if __name__ == "__main__":
    train(parse_args())
