# Character-level triage of railway signalling fault reports -> which team gets the ticket.
# Reports come straight from the maintainers' handhelds, so we work on raw characters
# (lots of codes like "SIG-14B", "TC 2231" that a word vocab would mangle).
import string
from dataclasses import dataclass

import torch
import torch.nn as nn

torch.manual_seed(11)

DATA = {"max_chars": 160, "batch_size": 3, "epochs": 4, "lr": 2e-3}

ARCH = [
    {"type": "embed", "dim": 32},
    {"type": "positions"},
    {"type": "encoder", "layers": 2, "heads": 2},
    {"type": "pool", "mode": "mean"},
    {"type": "linear", "out": 3},
]

TEAMS = ["track_circuit", "points", "lineside_power"]

REPORTS = [
    ("TC 2231 showing occupied with no train, ballast wet after rain, insulated joint "
     "at km 41.2 checked, bonding lead loose and corroded, re-terminated", "track_circuit"),
    ("track circuit drop out on down main, rail head contamination from leaf fall", "track_circuit"),
    ("points 14B failed to detect normal, backdrive adjusted", "points"),
    ("PM 203 slow to swing, heater off, ice in slide chairs, cleared and lubricated, "
     "detection gap rechecked against gauge, still marginal on reverse side", "points"),
    ("SIG-14B dark, no supply at location case, fuse blown on 650V feeder", "lineside_power"),
    ("REB power supply alarm, UPS on battery for 40 min, DNO outage confirmed", "lineside_power"),
]


@dataclass
class CharCodec:
    alphabet: str = string.ascii_letters + string.digits + string.punctuation + " "

    def __post_init__(self):
        # 0 is padding
        self.lookup = {c: i + 1 for i, c in enumerate(self.alphabet)}

    @property
    def size(self):
        return len(self.alphabet) + 1

    def __call__(self, text, limit):
        ids = [self.lookup.get(c, self.lookup[" "]) for c in text]
        return ids[:limit]


def build(arch, vocab_size, width=32):
    layers = nn.ModuleDict()
    order = []
    for n, spec in enumerate(arch):
        kind = spec["type"]
        name = f"{n}_{kind}"
        if kind == "embed":
            width = spec.get("dim", width)
            layers[name] = nn.Embedding(vocab_size, width, padding_idx=0)
        elif kind == "positions":
            layers[name] = nn.Embedding(spec.get("max_pos", 64), width)
        elif kind == "encoder":
            block = nn.TransformerEncoderLayer(width, spec.get("heads", 2), width * 4,
                                               dropout=0.0, batch_first=True)
            layers[name] = nn.TransformerEncoder(block, spec.get("layers", 1),
                                                 enable_nested_tensor=False)
        elif kind == "pool":
            layers[name] = nn.Identity()
        elif kind == "linear":
            layers[name] = nn.Linear(width, spec["out"])
            width = spec["out"]
        order.append((name, kind))
    return layers, order


class FaultTriage(nn.Module):
    def __init__(self, arch, vocab_size):
        super().__init__()
        self.layers, self.order = build(arch, vocab_size)

    def forward(self, chars, valid):
        x = chars
        for name, kind in self.order:
            mod = self.layers[name]
            if kind == "positions":
                steps = torch.arange(x.size(1), device=x.device)
                x = x + mod(steps)[None]
            elif kind == "encoder":
                x = mod(x, src_key_padding_mask=~valid)
            elif kind == "pool":
                w = valid.unsqueeze(-1).float()
                x = (x * w).sum(1) / w.sum(1)
            else:
                x = mod(x)
        return x


def collate(rows, codec):
    seqs = [codec(text, DATA["max_chars"]) for text, _ in rows]
    width = max(map(len, seqs))
    chars = torch.zeros(len(seqs), width, dtype=torch.long)
    for i, s in enumerate(seqs):
        chars[i, : len(s)] = torch.tensor(s)
    teams = torch.tensor([TEAMS.index(t) for _, t in rows])
    return chars, chars != 0, teams


def batches(rows, size):
    for i in range(0, len(rows), size):
        yield rows[i:i + size]


codec = CharCodec()
model = FaultTriage(ARCH, codec.size)
optim = torch.optim.Adam(model.parameters(), lr=DATA["lr"])
loss_fn = nn.CrossEntropyLoss()
print(f"alphabet {codec.size} symbols, longest report {max(len(r) for r, _ in REPORTS)} chars")

for epoch in range(DATA["epochs"]):
    running = 0.0
    for rows in batches(REPORTS, DATA["batch_size"]):
        chars, valid, teams = collate(rows, codec)
        out = model(chars, valid)
        loss = loss_fn(out, teams)
        optim.zero_grad()
        loss.backward()
        optim.step()
        running += loss.item()
    print(f"epoch {epoch}: loss={running:.3f}")

model.eval()
with torch.no_grad():
    chars, valid, teams = collate(REPORTS, codec)
    acc = (model(chars, valid).argmax(-1) == teams).float().mean()
print(f"train accuracy {acc:.2f}")
