"""Performance-RNN style model on expressive piano MIDI events.

Events: NOTE_ON(pitch), NOTE_OFF(pitch), TIME_SHIFT(10 ms .. 1 s), SET_VELOCITY(32 bins).
Performances are synthesised as short etudes with dynamic swells (pp -> ff -> pp).
"""
import math
import random

import torch
import torch.nn as nn

random.seed(11)
torch.manual_seed(11)

N_NOTE_ON = 128
N_NOTE_OFF = 128
N_TIME_SHIFT = 100          # 10 ms steps up to 1 second
N_VELOCITY = 32             # 128 MIDI velocities / 4

SPECIAL_TOKENS = ["<pad>", "<start>", "<end>"]
PAD, START, END = range(len(SPECIAL_TOKENS))
NOTE_ON_OFFSET = len(SPECIAL_TOKENS)
NOTE_OFF_OFFSET = NOTE_ON_OFFSET + N_NOTE_ON
TIME_SHIFT_OFFSET = NOTE_OFF_OFFSET + N_NOTE_OFF
VELOCITY_OFFSET = TIME_SHIFT_OFFSET + N_TIME_SHIFT
VOCAB_SIZE = VELOCITY_OFFSET + N_VELOCITY

WINDOW = 96


def synth_etude(n_notes=60):
    """Returns a list of (onset_sec, offset_sec, pitch, velocity)."""
    notes, t = [], 0.0
    scale = [0, 2, 4, 5, 7, 9, 11]
    for i in range(n_notes):
        swell = math.sin(math.pi * i / n_notes)          # 0 -> 1 -> 0
        velocity = int(30 + swell * 97 + random.randint(-4, 0))
        pitch = 60 + scale[random.randrange(7)] + 12 * random.choice([-1, 0, 0, 1])
        dur = random.choice([0.12, 0.25, 0.25, 0.5])
        notes.append((t, t + dur, pitch, max(1, min(127, velocity))))
        t += random.choice([0.12, 0.25, 0.25])
    return notes


def encode_performance(notes):
    events = []
    for onset, offset, pitch, vel in notes:
        events.append((onset, 1, pitch, vel))
        events.append((offset, 0, pitch, vel))
    events.sort(key=lambda e: (e[0], e[1]))

    tokens, now, cur_vel_bin = [START], 0.0, None
    for when, is_on, pitch, vel in events:
        steps = int(round((when - now) * 100))
        while steps > 0:
            shift = min(steps, N_TIME_SHIFT)
            tokens.append(TIME_SHIFT_OFFSET + shift - 1)
            steps -= shift
        now = when
        if is_on:
            vel_bin = vel * N_VELOCITY // 128
            if vel_bin != cur_vel_bin:
                tokens.append(VELOCITY_OFFSET + vel_bin)
                cur_vel_bin = vel_bin
            tokens.append(NOTE_ON_OFFSET + pitch)
        else:
            tokens.append(NOTE_OFF_OFFSET + pitch)
    tokens.append(END)
    return tokens


def make_windows(token_lists):
    windows = []
    for toks in token_lists:
        for s in range(0, len(toks) - WINDOW - 1, WINDOW // 2):
            windows.append(toks[s:s + WINDOW + 1])
    return torch.tensor(windows, dtype=torch.long)


class PerformanceRNN(nn.Module):
    def __init__(self, vocab_size, emb=64, hidden=128):
        super().__init__()
        self.embed = nn.Embedding(vocab_size, emb, padding_idx=PAD)
        self.lstm = nn.LSTM(emb, hidden, num_layers=2, batch_first=True, dropout=0.1)
        self.head = nn.Linear(hidden, vocab_size)

    def forward(self, events, state=None):
        out, state = self.lstm(self.embed(events), state)
        return self.head(out), state


@torch.no_grad()
def sample(model, n_events=50, temperature=1.0):
    model.eval()
    ev = torch.tensor([[START]])
    state, generated = None, []
    for _ in range(n_events):
        logits, state = model(ev, state)
        probs = torch.softmax(logits[0, -1] / temperature, dim=-1)
        ev = torch.multinomial(probs, 1).view(1, 1)
        generated.append(ev.item())
    return generated


def main():
    performances = [encode_performance(synth_etude()) for _ in range(24)]
    windows = make_windows(performances)
    print(f"{len(windows)} windows of {WINDOW} events, vocab {VOCAB_SIZE}")

    model = PerformanceRNN(VOCAB_SIZE)
    optim = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = nn.CrossEntropyLoss(ignore_index=PAD)

    for epoch in range(2):
        model.train()
        order = torch.randperm(len(windows))
        epoch_loss = 0.0
        for b in range(0, len(order), 16):
            chunk = windows[order[b:b + 16]]
            logits, _ = model(chunk[:, :-1])
            loss = loss_fn(logits.transpose(1, 2), chunk[:, 1:])
            optim.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), 3.0)
            optim.step()
            epoch_loss += loss.item()
        print(f"epoch {epoch}: loss {epoch_loss / math.ceil(len(order) / 16):.3f}")

    print("sampled events:", sample(model)[:20])


if __name__ == "__main__":
    main()
