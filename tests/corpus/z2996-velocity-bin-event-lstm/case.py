import random
import itertools
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(7)
random.seed(7)

N_PITCHES = 128
N_TIME_SHIFTS = 100
N_VELOCITY_BINS = 32
STEPS_PER_SECOND = 100

NOTE_ON_OFFSET = 0
NOTE_OFF_OFFSET = NOTE_ON_OFFSET + N_PITCHES
TIME_SHIFT_OFFSET = NOTE_OFF_OFFSET + N_PITCHES
VELOCITY_OFFSET = TIME_SHIFT_OFFSET + N_TIME_SHIFTS
VOCAB_SIZE = VELOCITY_OFFSET + N_VELOCITY_BINS


def velocity_to_bin(v):
    return v * N_VELOCITY_BINS // 127


def shift_tokens(seconds):
    steps = int(round(seconds * STEPS_PER_SECOND))
    while steps > 0:
        chunk = min(steps, N_TIME_SHIFTS)
        yield TIME_SHIFT_OFFSET + chunk - 1
        steps -= chunk


def random_phrase(n_notes, key_root=60):
    scale = [0, 2, 4, 5, 7, 9, 11, 12]
    t = 0.0
    notes = []
    for _ in range(n_notes):
        pitch = key_root + random.choice(scale) + 12 * random.choice([-1, 0, 0, 1])
        dur = random.choice([0.125, 0.25, 0.25, 0.5, 1.0])
        vel = max(1, min(127, int(random.gauss(88, 22))))
        notes.append((pitch, t, dur, vel))
        t += dur if random.random() < 0.8 else dur / 2
    return notes


def encode(notes):
    boundaries = []
    for pitch, start, dur, vel in notes:
        boundaries.append((start, 1, pitch, vel))
        boundaries.append((start + dur, 0, pitch, vel))
    boundaries.sort()
    tokens = []
    now = 0.0
    last_vel_bin = None
    for when, is_on, pitch, vel in boundaries:
        tokens.extend(shift_tokens(when - now))
        now = when
        if is_on:
            vb = velocity_to_bin(vel)
            if vb != last_vel_bin:
                tokens.append(VELOCITY_OFFSET + vb)
                last_vel_bin = vb
            tokens.append(NOTE_ON_OFFSET + pitch)
        else:
            tokens.append(NOTE_OFF_OFFSET + pitch)
    return tokens


def windows(stream, size, step):
    it = iter(stream)
    buf = list(itertools.islice(it, size))
    while len(buf) == size:
        yield buf
        buf = buf[step:] + list(itertools.islice(it, step))


class EventLSTM(nn.Module):
    def __init__(self, vocab, d_emb=64, d_hid=128, layers=2):
        super().__init__()
        self.embed = nn.Embedding(vocab, d_emb)
        self.rnn = nn.LSTM(d_emb, d_hid, num_layers=layers, batch_first=True)
        self.head = nn.Linear(d_hid, vocab)

    def forward(self, x, state=None):
        h, state = self.rnn(self.embed(x), state)
        return self.head(h), state


@torch.no_grad()
def sample(model, primer, n_steps=60, temperature=0.9):
    model.eval()
    x = torch.tensor([primer])
    logits, state = model(x)
    out = list(primer)
    for _ in range(n_steps):
        probs = F.softmax(logits[:, -1] / temperature, dim=-1)
        nxt = torch.multinomial(probs, 1)
        out.append(nxt.item())
        logits, state = model(nxt, state)
    return out


def main():
    corpus = [random_phrase(random.randint(20, 60), key_root=random.choice([55, 60, 62, 65]))
              for _ in range(40)]
    stream = itertools.chain.from_iterable(encode(p) for p in corpus)
    seq_len = 65
    chunks = [torch.tensor(w) for w in windows(stream, seq_len, 48)]
    print(f"vocab={VOCAB_SIZE} chunks={len(chunks)}")

    model = EventLSTM(VOCAB_SIZE)
    opt = torch.optim.Adam(model.parameters(), lr=3e-3)

    batch_size = 16
    for epoch in range(2):
        random.shuffle(chunks)
        total = 0.0
        for i in range(0, len(chunks), batch_size):
            batch = torch.stack(chunks[i:i + batch_size])
            inp, tgt = batch[:, :-1], batch[:, 1:]
            logits, _ = model(inp)
            loss = F.cross_entropy(logits.reshape(-1, VOCAB_SIZE), tgt.reshape(-1))
            opt.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            total += loss.item()
        print(f"epoch {epoch} loss {total / max(1, len(chunks) // batch_size):.3f}")

    primer = encode(random_phrase(4))[:12]
    generated = sample(model, primer)
    print("generated", len(generated), "events")


if __name__ == "__main__":
    main()
