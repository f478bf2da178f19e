"""Railway signalling: route maintainer fault reports to the right asset team.

Bi-directional GRU over word ids, last-valid-step summary, linear router.
Meant for the depot GPU node; the CPU path is what CI runs.
"""
import random
from dataclasses import dataclass

import torch
import torch.nn as nn

device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
USE_AMP = device.type == "cuda"
PIN_MEMORY = device.type == "cuda"
ACCUM_STEPS = 2
STEP_BATCH = 6
EPOCHS = 3

random.seed(5)
torch.manual_seed(5)

TEAMS = ["track_circuit", "point_machine", "signal_head", "axle_counter"]
REPORTS = [
    ("track circuit showing occupied with no train present", 0),
    ("points failed to detect reverse after heavy frost", 1),
    ("red aspect lamp proving lost on main line signal", 2),
    ("axle counter reset needed after engineering train", 3),
    ("insulated rail joint bridged by debris", 0),
    ("motor stalls half way drive rod binding", 1),
    ("led module dim yellow aspect flicker", 2),
    ("count mismatch between heads after storm", 3),
    ("ballast contamination low resistance section", 0),
    ("back drive lubrication missing slide chairs dry", 1),
    ("hood misaligned driver reported sighting issue", 2),
]

VOCAB = {"<pad>": 0, "<unk>": 1}
for text, _ in REPORTS:
    for w in text.split():
        VOCAB.setdefault(w, len(VOCAB))


@dataclass
class DeviceBatch:
    tokens: torch.Tensor
    lengths: torch.Tensor
    team: torch.Tensor


class FaultRouter(nn.Module):
    def __init__(self, vocab_size, emb=24, hid=32):
        super().__init__()
        self.emb = nn.Embedding(vocab_size, emb, padding_idx=0)
        self.gru = nn.GRU(emb, hid, batch_first=True, bidirectional=True)
        self.head = nn.Linear(2 * hid, len(TEAMS))

    def forward(self, tokens):
        out, _ = self.gru(self.emb(tokens))
        return out


def to_device_batch(rows):
    seqs = [[VOCAB.get(w, 1) for w in text.split()] for text, _ in rows]
    width = max(len(s) for s in seqs)
    tokens = torch.zeros(len(seqs), width, dtype=torch.long)
    for r, s in enumerate(seqs):
        tokens[r, :len(s)] = torch.tensor(s)
    lengths = torch.tensor([len(s) for s in seqs])
    team = torch.tensor([t for _, t in rows])
    if PIN_MEMORY:
        tokens, lengths, team = tokens.pin_memory(), lengths.pin_memory(), team.pin_memory()
    return DeviceBatch(tokens.to(device, non_blocking=True),
                       lengths.to(device, non_blocking=True),
                       team.to(device, non_blocking=True))


def micro_batches(step_rows, micro_bs):
    for start in range(0, len(step_rows), micro_bs):
        yield to_device_batch(step_rows[start:start + micro_bs])


def train():
    model = FaultRouter(len(VOCAB)).to(device)
    opt = torch.optim.Adam(model.parameters(), lr=2e-3)
    scaler = torch.amp.GradScaler(device.type, enabled=USE_AMP)
    criterion = nn.CrossEntropyLoss()
    micro_bs = STEP_BATCH // ACCUM_STEPS
    print(f"{len(REPORTS)} reports, step batch {STEP_BATCH}, micro-batch {micro_bs}")

    for epoch in range(EPOCHS):
        data = REPORTS[:]
        random.shuffle(data)
        seen, total = 0, 0.0
        for s in range(0, len(data), STEP_BATCH):
            opt.zero_grad(set_to_none=True)
            for mb in micro_batches(data[s:s + STEP_BATCH], micro_bs):
                with torch.autocast(device_type=device.type, enabled=USE_AMP):
                    states = model(mb.tokens)
                    summary = torch.stack([states[i, mb.lengths[i] - 1] for i in range(micro_bs)])
                    logits = model.head(summary)
                    loss = criterion(logits, mb.team) / ACCUM_STEPS
                scaler.scale(loss).backward()
                total += loss.item() * ACCUM_STEPS * mb.team.numel()
                seen += mb.team.numel()
            scaler.step(opt)
            scaler.update()
        print(f"epoch {epoch + 1}: avg loss {total / seen:.4f} over {seen} reports")
    return model


if __name__ == "__main__":
    train()
    print("router trained")
