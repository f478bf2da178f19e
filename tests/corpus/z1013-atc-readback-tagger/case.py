"""Online slot tagger for ATC radio transcripts.

The ops feed publishes each transmission as an Utterance message; the annotation desk
publishes the slot tags for it as a separate Annotation message with the same seq number.
We train the tagger on the fly while consuming the feed.
"""
import enum
import math
import random
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn

random.seed(3)
torch.manual_seed(3)


class Slot(enum.Enum):
    O = "O"
    CALLSIGN = "CS"
    ALTITUDE = "ALT"
    HEADING = "HDG"
    RUNWAY = "RWY"


class Speaker(enum.Enum):
    TOWER = "twr"
    PILOT = "plt"


SLOT_IDS = {s: i for i, s in enumerate(Slot)}


@dataclass
class Utterance:
    seq: int
    speaker: Speaker
    tokens: list


@dataclass
class Annotation:
    seq: int
    tags: list


RAW = [
    ("twr", "speedbird four two climb flight level three five zero", "CS CS CS O ALT ALT ALT ALT ALT"),
    ("plt", "climb three five zero speedbird four two", "O ALT ALT ALT CS CS CS"),
    ("twr", "lufthansa one turn left heading two seven zero", "CS CS O O O HDG HDG HDG"),
    ("plt", "left two seven zero lufthansa one", "O HDG HDG HDG CS CS"),
    ("twr", "easy five cleared to land runway two seven left", "CS CS O O O O RWY RWY RWY"),
    ("plt", "cleared to land two seven left easy five", "O O O RWY RWY RWY CS CS"),
]

VOCAB = {"<unk>": 0}
for _, text, _ in RAW:
    for w in text.split():
        VOCAB.setdefault(w, len(VOCAB))


def feed():
    """Replays the recorded feed."""
    for seq, (spk, text, tags) in enumerate(RAW):
        yield Utterance(seq, Speaker(spk), text.split())
        yield Annotation(seq, [Slot(t) for t in tags.split()])


class SlotTagger(nn.Module):
    def __init__(self, vocab_size, n_slots, d=32, max_len=64):
        super().__init__()
        self.tok = nn.Embedding(vocab_size, d)
        self.pos = nn.Embedding(max_len, d)
        self.spk = nn.Embedding(len(Speaker), d)
        layer = nn.TransformerEncoderLayer(d, nhead=2, dim_feedforward=64, batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, num_layers=1)
        self.out = nn.Linear(d, n_slots)

    def forward(self, ids, speaker_idx):
        positions = torch.arange(ids.size(1)).unsqueeze(0)
        h = self.tok(ids) + self.pos(positions) + self.spk(speaker_idx)[:, None, :]
        return self.out(self.encoder(h))


def encode(tokens):
    return torch.tensor([[VOCAB.get(w, 0) for w in tokens]])


def run(epochs=3):
    model = SlotTagger(len(VOCAB), len(Slot))
    opt = torch.optim.AdamW(model.parameters(), lr=3e-3)
    speaker_idx = {s: i for i, s in enumerate(Speaker)}
    for epoch in range(epochs):
        gold = None
        running, steps = 0.0, 0
        for msg in feed():
            match msg:
                case Annotation(tags=tags):
                    gold = torch.tensor([SLOT_IDS[t] for t in tags])
                case Utterance(seq=seq, speaker=spk, tokens=tokens) if gold is not None:
                    logits = model(encode(tokens), torch.tensor([speaker_idx[spk]]))
                    loss = F.cross_entropy(logits.squeeze(0), gold)
                    opt.zero_grad()
                    loss.backward()
                    opt.step()
                    running += loss.item()
                    steps += 1
                case Utterance(seq=seq):
                    print(f"seq {seq}: no annotation yet, waiting")
        print(f"epoch {epoch}: mean loss {running / max(steps, 1):.4f} "
              f"(ppl {math.exp(running / max(steps, 1)):.2f})")
    return model


if __name__ == "__main__":
    run()
