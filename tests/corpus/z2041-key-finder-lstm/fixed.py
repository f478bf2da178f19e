"""Global key estimation from MIDI note-event sequences with a small bidirectional LSTM."""
import random

import torch
import torch.nn as nn
import torch.nn.functional as F

random.seed(3)
torch.manual_seed(3)

PITCH_CLASSES = ["C", "C#", "D", "Eb", "E", "F", "F#", "G", "Ab", "A", "Bb", "B"]
MAJOR_STEPS = [0, 2, 4, 5, 7, 9, 11]
MINOR_STEPS = [0, 2, 3, 5, 7, 8, 10]   # natural minor
MODES = ["major", "minor"]


def key_index(tonic_pc, mode):
    """Keys are numbered C..B major first, then C..B minor."""
    return tonic_pc + len(PITCH_CLASSES) * MODES.index(mode)


def key_name(idx):
    tonic = PITCH_CLASSES[idx % len(PITCH_CLASSES)]
    return tonic + ("m" if idx >= len(PITCH_CLASSES) else "")


def synth_melody(tonic_pc, mode, n_notes):
    """Fake MIDI notes (pitch, velocity, duration_ticks) drawn from the key's scale."""
    steps = MAJOR_STEPS if mode == "major" else MINOR_STEPS
    notes = []
    for _ in range(n_notes):
        degree = random.choices(range(7), weights=[5, 1, 3, 2, 4, 1, 1])[0]
        octave = random.choice([4, 5])
        pitch = 12 * (octave + 1) + tonic_pc + steps[degree]
        notes.append((pitch, random.randint(50, 110), random.choice([120, 240, 480])))
    return notes


def note_features(notes):
    """Per-note feature: one-hot pitch class, normalised octave, velocity and duration."""
    feats = []
    for pitch, vel, dur in notes:
        pc = F.one_hot(torch.tensor(pitch % 12), 12).float()
        extra = torch.tensor([pitch // 12 / 10.0, vel / 127.0, dur / 480.0])
        feats.append(torch.cat([pc, extra]))
    return torch.stack(feats)


class KeyDataset(torch.utils.data.Dataset):
    def __init__(self, n_pieces, length=48):
        self.items = []
        for _ in range(n_pieces):
            tonic = random.randrange(12)
            mode = random.choice(MODES)
            notes = synth_melody(tonic, mode, length)
            self.items.append((note_features(notes), key_index(tonic, mode)))

    def __len__(self):
        return len(self.items)

    def __getitem__(self, i):
        feats, key = self.items[i]
        return feats, torch.tensor(key)


class KeyFinder(nn.Module):
    def __init__(self, n_feats, n_keys, hidden=48):
        super().__init__()
        self.proj = nn.Linear(n_feats, hidden)
        self.rnn = nn.LSTM(hidden, hidden, batch_first=True, bidirectional=True)
        self.head = nn.Linear(2 * hidden, n_keys)

    def forward(self, x):
        h, _ = self.rnn(torch.relu(self.proj(x)))
        pooled = h.mean(dim=1)
        return self.head(pooled)


def evaluate(model, loader):
    model.eval()
    hits, seen = 0, 0
    with torch.no_grad():
        for feats, keys in loader:
            pred = model(feats).argmax(-1)
            hits += (pred == keys).sum().item()
            seen += keys.numel()
    model.train()
    return hits / max(seen, 1)


def main():
    train_set = KeyDataset(160)
    val_set = KeyDataset(40)
    train_loader = torch.utils.data.DataLoader(train_set, batch_size=16, shuffle=True)
    val_loader = torch.utils.data.DataLoader(val_set, batch_size=16)

    n_feats = train_set[0][0].shape[-1]
    model = KeyFinder(n_feats, n_keys=len(PITCH_CLASSES) * len(MODES))
    optim = torch.optim.Adam(model.parameters(), lr=2e-3)

    for epoch in range(4):
        running = 0.0
        for feats, keys in train_loader:
            logits = model(feats)
            loss = F.cross_entropy(logits, keys)
            optim.zero_grad()
            loss.backward()
            optim.step()
            running += loss.item()
        acc = evaluate(model, val_loader)
        print(f"epoch {epoch}  loss {running / len(train_loader):.3f}  val acc {acc:.2%}")

    feats, key = val_set[0]
    guess = model(feats.unsqueeze(0)).argmax(-1).item()
    print(f"true key {key_name(key.item())}  predicted {key_name(guess)}")


if __name__ == "__main__":
    main()
