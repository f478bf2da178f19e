"""Per-line anomaly tagging for HDFS block sessions.

Raw log lines are reduced to event templates (masking block ids, IPs and
numbers), each block_id session becomes a sequence of template ids, and a
small temporal CNN tags every line of the session as normal / anomalous.
"""
import random
import re

import torch
import torch.nn as nn
import torch.nn.functional as F

SESSION_LEN = 48
N_TAGS = 2
PAD_EVENT = 0

RAW_TEMPLATES = [
    "Receiving block blk_{b} src: /10.250.{x}.{y}:{p} dest: /10.250.{x}.{y}:50010",
    "BLOCK* NameSystem.allocateBlock: /user/root/rand/_temporary/part-{n}. blk_{b}",
    "PacketResponder {n} for block blk_{b} terminating",
    "Received block blk_{b} of size {s} from /10.251.{x}.{y}",
    "BLOCK* NameSystem.addStoredBlock: blockMap updated: 10.251.{x}.{y}:50010 is added to blk_{b} size {s}",
    "Verification succeeded for blk_{b}",
    "Deleting block blk_{b} file /mnt/hadoop/dfs/data/current/subdir{n}/blk_{b}",
]
FAULT_TEMPLATES = [
    "writeBlock blk_{b} received exception java.io.IOException: Connection reset by peer",
    "PacketResponder blk_{b} {n} Exception java.io.InterruptedIOException: Interruped while waiting for IO",
    "Exception in receiveBlock for block blk_{b} java.io.EOFException",
]

MASKS = [(re.compile(r"blk_-?\d+"), "blk_<*>"),
         (re.compile(r"(\d+\.){3}\d+(:\d+)?"), "<IP>"),
         (re.compile(r"\b\d+\b"), "<NUM>")]


def to_template(line):
    for pat, repl in MASKS:
        line = pat.sub(repl, line)
    return line


def render(rng, tmpl, block):
    return tmpl.format(b=block, x=rng.randint(0, 255), y=rng.randint(0, 255),
                       p=rng.randint(30000, 60000), n=rng.randint(0, 9),
                       s=rng.randint(1000, 67108864))


def synth_sessions(rng, n_blocks):
    sessions = []
    for _ in range(n_blocks):
        block = rng.randint(-9 * 10**18, 9 * 10**18)
        lines, tags = [], []
        for _ in range(rng.randint(12, SESSION_LEN)):
            faulty = rng.random() < 0.08
            tmpl = rng.choice(FAULT_TEMPLATES if faulty else RAW_TEMPLATES)
            lines.append(render(rng, tmpl, block))
            tags.append(int(faulty))
        sessions.append((lines, tags))
    return sessions


def encode(sessions, template_ids):
    events = torch.full((len(sessions), SESSION_LEN), PAD_EVENT, dtype=torch.long)
    labels = torch.full((len(sessions), SESSION_LEN), -100, dtype=torch.long)
    for i, (lines, tags) in enumerate(sessions):
        for j, line in enumerate(lines):
            key = to_template(line)
            if key not in template_ids:
                template_ids[key] = len(template_ids) + 1
            events[i, j] = template_ids[key]
            labels[i, j] = tags[j]
    return events, labels


class SessionTagger(nn.Module):
    def __init__(self, n_events, dim=32, channels=64):
        super().__init__()
        self.emb = nn.Embedding(n_events, dim, padding_idx=PAD_EVENT)
        self.conv1 = nn.Conv1d(dim, channels, kernel_size=5, padding=2)
        self.conv2 = nn.Conv1d(channels, channels, kernel_size=3, padding=1)
        self.head = nn.Conv1d(channels, N_TAGS, kernel_size=1)

    def forward(self, events):
        x = self.emb(events).transpose(1, 2)          # (B, dim, T)
        x = F.relu(self.conv1(x))
        x = F.relu(self.conv2(x))
        return self.head(x).transpose(1, 2)           # (B, T, N_TAGS)


def main():
    rng = random.Random(2024)
    torch.manual_seed(2024)
    template_ids = {}
    events, labels = encode(synth_sessions(rng, 200), template_ids)
    print(f"{events.size(0)} sessions, {len(template_ids)} templates")

    model = SessionTagger(n_events=len(template_ids) + 1)
    anomaly_weight = torch.tensor([1.0, 8.0])
    opt = torch.optim.Adam(model.parameters(), lr=2e-3)

    for epoch in range(4):
        perm = torch.randperm(events.size(0))
        epoch_loss = 0.0
        for start in range(0, events.size(0), 32):
            idx = perm[start:start + 32]
            logits = model(events[idx])
            loss = F.cross_entropy(logits.reshape(-1, N_TAGS), labels[idx].view(-1),
                                   weight=anomaly_weight, ignore_index=-100)
            opt.zero_grad()
            loss.backward()
            opt.step()
            epoch_loss += loss.item()
        print(f"epoch {epoch}: loss {epoch_loss:.3f}")

    model.eval()
    with torch.no_grad():
        pred = model(events).argmax(-1)
    keep = labels != -100
    hits = ((pred == 1) & (labels == 1) & keep).sum().item()
    print(f"flagged {int(((pred == 1) & keep).sum())} lines, {hits} true faults caught "
          f"of {int((labels == 1).sum())}")


if __name__ == "__main__":
    main()
