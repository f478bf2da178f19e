"""Routes elevator controller fault messages to the responsible subsystem team."""
import logging
import math
import os
import tempfile
from dataclasses import dataclass, field
from typing import List

import torch
import torch.nn as nn
import torch.nn.functional as F

logging.basicConfig(level=logging.INFO, format="%(levelname)-7s %(name)s | %(message)s")
log = logging.getLogger("lift-router")
torch.manual_seed(21)

TEAMS = ["door_operator", "traction_drive", "safety_chain", "controller_io"]
HISTORY = [
    ("door reopen limit exceeded landing 4", 0), ("door lock contact open during run", 0),
    ("motor overcurrent during acceleration", 1), ("brake lift feedback missing", 1),
    ("overspeed governor tripped", 2), ("pit stop switch activated", 2),
    ("can bus timeout car board", 3), ("hall call input stuck floor 2", 3),
]
MAX_LEN = 16


@dataclass
class FaultEvent:
    site: str
    message: str


@dataclass
class Routing:
    site: str
    team: str
    probs: List[float] = field(default_factory=list)


class FaultEncoder(nn.Module):
    def __init__(self, n_tokens, dim=32, n_teams=len(TEAMS)):
        super().__init__()
        self.tok = nn.Embedding(n_tokens, dim, padding_idx=0)
        step = torch.exp(torch.arange(0, dim, 2) * (-math.log(10000.0) / dim))
        angles = torch.arange(MAX_LEN).unsqueeze(1) * step
        self.register_buffer("pos_table", torch.cat([angles.sin(), angles.cos()], dim=1), persistent=False)
        self.block = nn.TransformerEncoderLayer(dim, nhead=2, dim_feedforward=64, batch_first=True)
        self.out = nn.Linear(dim, n_teams)

    def forward(self, tokens, pad):
        h = self.tok(tokens) + self.pos_table[: tokens.size(1)]
        h = self.block(h, src_key_padding_mask=pad)
        keep = (~pad).unsqueeze(-1).float()
        return self.out((h * keep).sum(1) / keep.sum(1))


def tokenize(text, table):
    return [table.get(w, 1) for w in text.lower().split()][:MAX_LEN]


def collate(seqs):
    width = max(len(s) for s in seqs)
    tokens = torch.tensor([s + [0] * (width - len(s)) for s in seqs])
    return tokens, tokens.eq(0)


def fine_tune(model, table, rounds=6):
    opt = torch.optim.Adam(model.parameters(), lr=2e-3)
    tokens, pad = collate([tokenize(t, table) for t, _ in HISTORY])
    target = torch.tensor([y for _, y in HISTORY])
    for r in range(rounds):
        loss = F.cross_entropy(model(tokens, pad), target)
        opt.zero_grad()
        loss.backward()
        opt.step()
        log.info("round %d loss %.4f", r, loss.item())


class Predictor:
    def __init__(self, ckpt_path, table, batch_size=3):
        self.ckpt_path, self.table, self.batch_size = ckpt_path, table, batch_size

    def load(self):
        state = torch.load(self.ckpt_path, map_location="cpu")
        model = FaultEncoder(len(self.table) + 2)
        model.load_state_dict(state, assign=True)
        self.model = model.eval()
        log.info("loaded %d tensors from %s", len(state), os.path.basename(self.ckpt_path))
        return self

    def preprocess(self, events: List[FaultEvent]):
        return collate([tokenize(e.message, self.table) or [1] for e in events])

    def predict(self, tokens, pad):
        with torch.no_grad():
            return self.model(tokens, pad).softmax(-1)

    def postprocess(self, events, probs):
        return [Routing(e.site, TEAMS[int(p.argmax())], [round(x, 3) for x in p.tolist()])
                for e, p in zip(events, probs)]

    def route(self, events: List[FaultEvent]) -> List[Routing]:
        done = []
        for k in range(0, len(events), self.batch_size):
            part = events[k:k + self.batch_size]
            done.extend(self.postprocess(part, self.predict(*self.preprocess(part))))
        return done


if __name__ == "__main__":
    words = sorted({w for t, _ in HISTORY for w in t.split()})
    table = {w: i + 2 for i, w in enumerate(words)}
    model = FaultEncoder(len(table) + 2)
    fine_tune(model, table)
    ckpt = os.path.join(tempfile.mkdtemp(prefix="lift_"), "router.pt")
    torch.save(model.state_dict(), ckpt)

    predictor = Predictor(ckpt, table).load()
    feed = [FaultEvent("tower-a/car2", "brake lift feedback missing"), FaultEvent("mall/car1", "door lock contact open"),
            FaultEvent("depot/car3", "can bus timeout"), FaultEvent("tower-b/car1", "overspeed governor tripped")]
    for r in predictor.route(feed):
        log.info("%-13s -> %s %s", r.site, r.team, r.probs)
