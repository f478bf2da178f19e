"""Genre tagging from multitrack piano rolls (pretty_midi-like instruments, program-aware track encoder)."""
import random
from dataclasses import dataclass, field

import torch
import torch.nn as nn

random.seed(11)
torch.manual_seed(11)

FS = 4                 # roll frames per beat
N_BEATS = 16
N_PITCHES = 128
DRUM_PROGRAM = 128     # extra program slot used for the percussion track
GENRES = ["jazz", "rock", "chiptune"]
ARRANGEMENTS = {
    "jazz": [0, 32, 65, 26],       # piano, acoustic bass, alto sax, jazz guitar
    "rock": [29, 33, 30, 4],       # overdriven gtr, finger bass, distortion gtr, e-piano
    "chiptune": [80, 81, 38, 87],  # square lead, saw lead, synth bass, bass+lead
}


@dataclass
class Note:
    pitch: int
    velocity: int
    start: float   # in beats
    end: float


@dataclass
class Instrument:
    program: int
    is_drum: bool = False
    notes: list = field(default_factory=list)


def fake_song(genre):
    instruments = []
    for prog in ARRANGEMENTS[genre]:
        inst = Instrument(program=prog)
        low = 36 if prog in (32, 33, 38) else 55
        for _ in range(random.randint(8, 20)):
            start = random.randrange(N_BEATS * FS) / FS
            inst.notes.append(Note(random.randint(low, low + 24), random.randint(40, 120), start, start + 0.5))
        instruments.append(inst)
    for kit_piece in (36, 38, 42):   # kick, snare and hats come as separate drum parts
        drum = Instrument(program=0, is_drum=True)
        for beat in range(N_BEATS):
            if kit_piece == 42 or (kit_piece == 36) == (beat % 2 == 0):
                drum.notes.append(Note(kit_piece, 100, float(beat), beat + 0.25))
        instruments.append(drum)
    return instruments


def to_roll(notes):
    roll = torch.zeros(N_PITCHES, N_BEATS * FS)
    for n in notes:
        a, b = int(n.start * FS), max(int(n.end * FS), int(n.start * FS) + 1)
        roll[n.pitch, a:b] = n.velocity / 127.0
    return roll


def song_to_tensors(instruments):
    melodic = [inst for inst in instruments if not inst.is_drum]
    drums = [inst for inst in instruments if inst.is_drum]
    rolls = [to_roll(inst.notes) for inst in melodic]
    programs = [inst.program for inst in melodic]
    if drums:
        rolls.append(to_roll([n for d in drums for n in d.notes]))
        programs.append(DRUM_PROGRAM)
    return torch.stack(rolls), torch.tensor(programs, dtype=torch.long)


class SongSet(torch.utils.data.Dataset):
    def __init__(self, n_songs):
        self.items = []
        for _ in range(n_songs):
            g = random.randrange(len(GENRES))
            rolls, programs = song_to_tensors(fake_song(GENRES[g]))
            self.items.append((rolls, programs, g))

    def __len__(self):
        return len(self.items)

    def __getitem__(self, i):
        return self.items[i]


class TrackEncoder(nn.Module):
    def __init__(self, d=64, n_genres=len(GENRES)):
        super().__init__()
        self.frame_proj = nn.Linear(N_PITCHES, d)
        self.program_emb = nn.Embedding(DRUM_PROGRAM + 1, d)
        self.gru = nn.GRU(d, d, batch_first=True)
        self.classifier = nn.Linear(d, n_genres)

    def forward(self, rolls, programs):
        # rolls: (batch, tracks, pitch, frames)   programs: (batch, tracks)
        track_states = []
        for trk in range(rolls.size(1)):
            frames = self.frame_proj(rolls[:, trk].transpose(1, 2))
            frames = frames + self.program_emb(programs[:, trk]).unsqueeze(1)
            _, h = self.gru(frames)
            track_states.append(h[-1])
        song = torch.stack(track_states, dim=1).max(dim=1).values
        return self.classifier(song)


def main():
    data = SongSet(60)
    loader = torch.utils.data.DataLoader(data, batch_size=8, shuffle=True)
    model = TrackEncoder()
    optim = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = nn.CrossEntropyLoss()

    for epoch in range(3):
        correct, total_loss = 0, 0.0
        for rolls, programs, genre in loader:
            logits = model(rolls, programs)
            loss = loss_fn(logits, genre)
            optim.zero_grad()
            loss.backward()
            optim.step()
            total_loss += loss.item() * genre.size(0)
            correct += (logits.argmax(-1) == genre).sum().item()
        print(f"epoch {epoch}: loss {total_loss / len(data):.3f} acc {correct / len(data):.2%}")


if __name__ == "__main__":
    main()
