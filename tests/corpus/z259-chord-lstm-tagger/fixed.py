# Chord-per-beat tagging from melody notes (notebook export)
import random
import tempfile

import torch
import torch.nn as nn
import torch.nn.functional as F

random.seed(0)
torch.manual_seed(0)
workdir = tempfile.mkdtemp()

# %% toy corpus: melody pitch classes per beat -> chord symbol per beat
CHORDS = ["C", "Dm", "Em", "F", "G", "Am", "Bdim", "G7", "Cmaj7", "Fmaj7", "E7", "A7"]
chord_tones = {
    "C": [0, 4, 7], "Dm": [2, 5, 9], "Em": [4, 7, 11], "F": [5, 9, 0],
    "G": [7, 11, 2], "Am": [9, 0, 4], "Bdim": [11, 2, 5], "G7": [7, 11, 5],
    "Cmaj7": [0, 4, 11], "Fmaj7": [5, 9, 4], "E7": [4, 8, 2], "A7": [9, 1, 7],
}
chord2id = {c: i for i, c in enumerate(CHORDS)}

BEATS = 32
songs = []
for _ in range(48):
    progression = [random.choice(CHORDS) for _ in range(BEATS // 4)]
    beat_chords = [c for c in progression for _ in range(4)]
    melody = [random.choice(chord_tones[c]) + 12 * random.randint(4, 6) for c in beat_chords]
    songs.append((melody, [chord2id[c] for c in beat_chords]))

melodies = torch.tensor([m for m, _ in songs])          # (N, 32) midi pitches
harmony = torch.tensor([h for _, h in songs])           # (N, 32) chord ids
print("melodies", melodies.shape, "harmony", harmony.shape)

# %% model
n_pitches = 128
n_chords = len(CHORDS)

pitch_emb = nn.Embedding(n_pitches, 24)
rnn = nn.LSTM(24, 48, batch_first=True, bidirectional=True)
proj = nn.Linear(96, n_chords)
params = list(pitch_emb.parameters()) + list(rnn.parameters()) + list(proj.parameters())
opt = torch.optim.Adam(params, lr=3e-3)

def run(notes):
    h, _ = rnn(pitch_emb(notes))
    return proj(h)                                       # (B, T, n_chords)

# %% train
bs = 8
for epoch in range(3):
    perm = torch.randperm(len(melodies))
    total = 0.0
    for i in range(0, len(perm), bs):
        idx = perm[i:i + bs]
        x, y = melodies[idx], harmony[idx]
        scores = run(x)
        loss = F.cross_entropy(scores.transpose(1, 2), y)
        opt.zero_grad()
        loss.backward()
        opt.step()
        total += loss.item()
    print(f"epoch {epoch} loss {total / (len(perm) // bs):.3f}")

# %% eval
with torch.no_grad():
    pred = run(melodies).argmax(-1)
    acc = (pred == harmony).float().mean().item()
print(f"beat accuracy {acc:.3f}")
torch.save(proj.state_dict(), f"{workdir}/chord_head.pt")
