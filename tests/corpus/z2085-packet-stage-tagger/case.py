"""Per-packet kill-chain stage tagging for network flows.

Each flow is a sequence of packets described by a few header/timing features;
every packet is tagged as benign / recon / exploit / exfiltration so analysts can
see where inside a session the attack starts."""
import math
import random

import torch
import torch.nn as nn
from torch.nn.utils.rnn import pad_sequence

random.seed(11)
torch.manual_seed(11)

STAGES = ["benign", "recon", "exploit", "exfil"]
PKT_FEATURES = 6          # log size, log iat, direction, syn, psh, fin
IGNORE_STAGE = -100
MAX_PKTS = 48


def synth_flow():
    n_pkts = random.randint(12, MAX_PKTS)
    feats, stages = [], []
    attack = random.random() < 0.5
    onset = random.randint(2, n_pkts // 2) if attack else n_pkts
    for k in range(n_pkts):
        if k < onset:
            stage = 0
        else:
            stage = min(3, 1 + (k - onset) * 3 // max(1, n_pkts - onset))
        size = random.gauss(600 if stage != 3 else 1400, 120)
        iat = random.expovariate(20.0 if stage == 1 else 5.0)
        feats.append([
            math.log1p(max(size, 40.0)),
            math.log1p(iat * 1000.0),
            float(random.random() < (0.8 if stage == 3 else 0.5)),
            float(stage == 1 and random.random() < 0.7),
            float(random.random() < 0.3),
            float(k == n_pkts - 1),
        ])
        stages.append(stage)
    return torch.tensor(feats), torch.tensor(stages)


def batch_flows(flows):
    pkts = pad_sequence([f for f, _ in flows], batch_first=True)
    tags = pad_sequence([s for _, s in flows], batch_first=True, padding_value=IGNORE_STAGE)
    lengths = torch.tensor([f.size(0) for f, _ in flows])
    return pkts, tags, lengths


class StageTagger(nn.Module):
    def __init__(self, n_feat, hidden, n_stages):
        super().__init__()
        self.proj = nn.Sequential(nn.Linear(n_feat, hidden), nn.ReLU())
        self.rnn = nn.GRU(hidden, hidden, batch_first=True, bidirectional=True)
        self.head = nn.Linear(2 * hidden, n_stages)

    def forward(self, pkts, lengths):
        x = self.proj(pkts)
        packed = nn.utils.rnn.pack_padded_sequence(
            x, lengths, batch_first=True, enforce_sorted=False)
        out, _ = self.rnn(packed)
        out, _ = nn.utils.rnn.pad_packed_sequence(out, batch_first=True, total_length=pkts.size(1))
        return self.head(out)


def packet_accuracy(stage_logits, tags):
    keep = tags != IGNORE_STAGE
    pred = stage_logits.argmax(-1)
    return (pred[keep] == tags[keep]).float().mean().item()


def main():
    flows = [synth_flow() for _ in range(160)]
    train, val = flows[:128], flows[128:]

    tagger = StageTagger(PKT_FEATURES, hidden=32, n_stages=len(STAGES))
    criterion = nn.CrossEntropyLoss(ignore_index=IGNORE_STAGE)
    optim = torch.optim.Adam(tagger.parameters(), lr=2e-3)

    bs = 16
    for epoch in range(3):
        random.shuffle(train)
        tagger.train()
        running = 0.0
        for i in range(0, len(train), bs):
            pkts, tags, lengths = batch_flows(train[i:i + bs])
            stage_logits = tagger(pkts, lengths)
            loss = criterion(stage_logits, tags)
            optim.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(tagger.parameters(), 1.0)
            optim.step()
            running += loss.item()

        tagger.eval()
        with torch.no_grad():
            pkts, tags, lengths = batch_flows(val)
            acc = packet_accuracy(tagger(pkts, lengths), tags)
        print(f"epoch {epoch} loss {running / (len(train) // bs):.4f} packet acc {acc:.3f}")


if __name__ == "__main__":
    main()
