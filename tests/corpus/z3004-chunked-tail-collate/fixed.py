import itertools
import random
from dataclasses import dataclass, field

import torch
import torch.nn as nn
from torch.utils.data import Dataset, DataLoader

random.seed(7)
torch.manual_seed(7)

# ---- event vocabulary -------------------------------------------------------
PITCH_LO, PITCH_HI = 21, 109
N_VEL_BINS = 16
MAX_SHIFT = 32  # in 1/16th steps

vocab = ["<pad>", "<bos>", "<eos>"]
vocab += [f"NOTE_ON_{p}" for p in range(PITCH_LO, PITCH_HI)]
vocab += [f"NOTE_OFF_{p}" for p in range(PITCH_LO, PITCH_HI)]
vocab += [f"TIME_SHIFT_{s}" for s in range(1, MAX_SHIFT + 1)]
vocab += [f"VELOCITY_{b}" for b in range(N_VEL_BINS)]
stoi = {tok: i for i, tok in enumerate(vocab)}
PAD = stoi["<pad>"]

CONTEXT_LEN = 64
BATCH_SIZE = 8


@dataclass
class Piece:
    title: str
    notes: list = field(default_factory=list)  # (pitch, start, duration, velocity)


def random_piece(idx):
    scale = [0, 2, 4, 5, 7, 9, 11]
    root = random.choice([48, 53, 55, 60])
    t = 0
    notes = []
    for _ in range(random.randint(30, 70)):
        pitch = root + random.choice(scale) + 12 * random.choice([0, 0, 1])
        dur = random.choice([1, 2, 2, 4, 4, 8])
        vel = random.randint(40, 110)
        notes.append((pitch, t, dur, vel))
        t += random.choice([0, 1, 2, 2, 4])
    return Piece(f"etude_{idx:03d}", notes)


def piece_to_events(piece):
    """Flatten (pitch, start, duration) notes into a MIDI-like event stream."""
    boundaries = []
    for pitch, start, dur, vel in piece.notes:
        boundaries.append((start, 1, pitch, vel))
        boundaries.append((start + dur, 0, pitch, vel))
    boundaries.sort()
    events = ["<bos>"]
    now = 0
    last_vel = None
    for time, is_on, pitch, vel in boundaries:
        gap = time - now
        while gap > 0:
            step = min(gap, MAX_SHIFT)
            events.append(f"TIME_SHIFT_{step}")
            gap -= step
        now = time
        if is_on:
            vbin = vel * N_VEL_BINS // 128
            if vbin != last_vel:
                events.append(f"VELOCITY_{vbin}")
                last_vel = vbin
            events.append(f"NOTE_ON_{pitch}")
        else:
            events.append(f"NOTE_OFF_{pitch}")
    events.append("<eos>")
    return [stoi[e] for e in events]


def chunked(seq, size):
    it = iter(seq)
    while True:
        chunk = list(itertools.islice(it, size))
        if len(chunk) < size:
            return
        yield chunk


class EventWindows(Dataset):
    def __init__(self, pieces, context_len):
        self.windows = []
        for piece in pieces:
            ids = piece_to_events(piece)
            for window in chunked(ids, context_len + 1):
                self.windows.append(torch.tensor(window, dtype=torch.long))

    def __len__(self):
        return len(self.windows)

    def __getitem__(self, i):
        w = self.windows[i]
        return w[:-1], w[1:]


class TinyEventLSTM(nn.Module):
    def __init__(self, n_tokens, d_emb=48, d_hidden=96):
        super().__init__()
        self.emb = nn.Embedding(n_tokens, d_emb, padding_idx=PAD)
        self.rnn = nn.LSTM(d_emb, d_hidden, batch_first=True)
        self.head = nn.Linear(d_hidden, n_tokens)

    def forward(self, x, state=None):
        h, state = self.rnn(self.emb(x), state)
        return self.head(h), state


@torch.no_grad()
def sample(model, n_steps=40, temperature=0.9):
    model.eval()
    tok = torch.tensor([[stoi["<bos>"]]])
    state = None
    out = []
    for _ in range(n_steps):
        logits, state = model(tok, state)
        probs = torch.softmax(logits[:, -1] / temperature, dim=-1)
        tok = torch.multinomial(probs, 1)
        out.append(vocab[tok.item()])
        if out[-1] == "<eos>":
            break
    return out


def main():
    pieces = [random_piece(i) for i in range(24)]
    ds = EventWindows(pieces, CONTEXT_LEN)
    print(f"{len(pieces)} pieces -> {len(ds)} training windows, vocab={len(vocab)}")

    loader = DataLoader(ds, batch_size=BATCH_SIZE, shuffle=True)
    model = TinyEventLSTM(len(vocab))
    opt = torch.optim.Adam(model.parameters(), lr=3e-3)
    loss_fn = nn.CrossEntropyLoss(ignore_index=PAD)

    for epoch in range(3):
        model.train()
        total = 0.0
        for inp, tgt in loader:
            logits, _ = model(inp)
            loss = loss_fn(logits.reshape(-1, logits.size(-1)), tgt.reshape(-1))
            opt.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            total += loss.item()
        print(f"epoch {epoch}: loss {total / len(loader):.3f}")

    print(" ".join(sample(model)))


if __name__ == "__main__":
    main()
