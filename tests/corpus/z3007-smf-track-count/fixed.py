import io
import os
import random
import struct
import tempfile
from itertools import groupby

import torch
import torch.nn as nn

random.seed(2024)
torch.manual_seed(2024)

TPQ = 96  # ticks per quarter
SIXTEENTH = TPQ // 4


# ---------------------------------------------------------------- tiny SMF writer/reader
def vlq(n):
    out = [n & 0x7F]
    n >>= 7
    while n:
        out.append((n & 0x7F) | 0x80)
        n >>= 7
    return bytes(reversed(out))


def read_vlq(buf):
    value = 0
    while True:
        byte = buf.read(1)[0]
        value = (value << 7) | (byte & 0x7F)
        if not byte & 0x80:
            return value


def track_chunk(events):
    body = bytearray()
    for delta, payload in events:
        body += vlq(delta) + payload
    body += vlq(0) + b"\xff\x2f\x00"
    return struct.pack(">4sL", b"MTrk", len(body)) + bytes(body)


def notes_to_events(notes, channel):
    marks = []
    for pitch, start, dur, vel in notes:
        marks.append((start * SIXTEENTH, 1, pitch, vel))
        marks.append(((start + dur) * SIXTEENTH, 0, pitch, 0))
    marks.sort()
    events, now = [], 0
    for tick, on, pitch, vel in marks:
        status = (0x90 if on else 0x80) | channel
        events.append((tick - now, bytes([status, pitch, vel])))
        now = tick
    return events


def write_smf(path, parts, bpm=None):
    chunks = []
    if bpm is not None:
        usec = 60_000_000 // bpm
        chunks.append(track_chunk([(0, b"\xff\x51\x03" + usec.to_bytes(3, "big"))]))
    for ch, notes in enumerate(parts):
        chunks.append(track_chunk(notes_to_events(notes, ch)))
    header = struct.pack(">4sLHHH", b"MThd", 6, 1, len(chunks), TPQ)
    with open(path, "wb") as fh:
        fh.write(header + b"".join(chunks))


def read_smf(path):
    with open(path, "rb") as fh:
        tag, hlen, fmt, ntracks, division = struct.unpack(">4sLHHH", fh.read(14))
        assert tag == b"MThd" and hlen == 6, path
        notes = []
        for _ in range(ntracks):
            tag, length = struct.unpack(">4sL", fh.read(8))
            buf = io.BytesIO(fh.read(length))
            now, held = 0, {}
            while buf.tell() < length:
                now += read_vlq(buf)
                status = buf.read(1)[0]
                if status == 0xFF:
                    buf.read(1)
                    buf.read(read_vlq(buf))
                    continue
                pitch, vel = buf.read(2)
                if status & 0xF0 == 0x90 and vel:
                    held[pitch] = (now, vel)
                elif pitch in held:
                    start, v = held.pop(pitch)
                    notes.append((pitch, start // (division // 4), (now - start) // (division // 4), v))
    return sorted(notes, key=lambda n: (n[1], n[0]))


# ---------------------------------------------------------------- corpus
def random_tune():
    melody, bass = [], []
    t = 0
    key = random.choice([0, 2, 5, 7])
    for bar in range(4):
        bass.append((36 + key + random.choice([0, 5, 7]), t, 16, 70))
        pos = 0
        while pos < 16:
            d = random.choice([2, 2, 4, 4, 6])
            d = min(d, 16 - pos)
            melody.append((60 + key + random.choice([0, 2, 4, 5, 7, 9, 11, 12]), t + pos, d, random.randint(60, 100)))
            pos += d
        t += 16
    return {"parts": [melody, bass], "bpm": random.choice([None, 90, 120, 140])}


def tokens_from_notes(notes):
    toks = []
    prev_start = 0
    for start, group in groupby(notes, key=lambda n: n[1]):
        toks.append(200 + min(start - prev_start, 16))
        for pitch, _, dur, _ in group:
            toks.append(pitch)
            toks.append(128 + min(dur, 16))
        prev_start = start
    return toks


class NextEvent(nn.Module):
    def __init__(self, vocab=217, dim=64):
        super().__init__()
        self.emb = nn.Embedding(vocab, dim)
        self.gru = nn.GRU(dim, dim, batch_first=True)
        self.out = nn.Linear(dim, vocab)

    def forward(self, x, h=None):
        y, h = self.gru(self.emb(x), h)
        return self.out(y), h


def main():
    with tempfile.TemporaryDirectory() as tmp:
        paths = []
        for i in range(12):
            tune = random_tune()
            p = os.path.join(tmp, f"tune_{i:02d}.mid")
            write_smf(p, tune["parts"], bpm=tune["bpm"])
            paths.append(p)
        corpus = [tokens_from_notes(read_smf(p)) for p in paths]

    print("tokens per tune:", [len(c) for c in corpus])
    model = NextEvent()
    opt = torch.optim.Adam(model.parameters(), lr=2e-3)
    for step in range(30):
        seq = torch.tensor(random.choice(corpus))
        logits, _ = model(seq[None, :-1])
        loss = nn.functional.cross_entropy(logits[0], seq[1:])
        opt.zero_grad()
        loss.backward()
        opt.step()
    print("final loss", round(loss.item(), 3))

    with torch.no_grad():
        x, h, gen = torch.tensor([[200]]), None, []
        for _ in range(24):
            logits, h = model(x, h)
            x = torch.multinomial(torch.softmax(logits[0, -1] / 0.8, -1), 1)[None]
            gen.append(x.item())
    print("sampled:", gen)


if __name__ == "__main__":
    main()
