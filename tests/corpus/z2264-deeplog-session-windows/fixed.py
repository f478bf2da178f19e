import os
import random

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import Dataset, DataLoader

SEED = 7
WINDOW = 10
EMBED_DIM = 32
HIDDEN = 64
TOP_K = 5
EPOCHS = 2
EVENTS_CSV = os.path.join(os.path.dirname(os.path.abspath(__file__)), "parsed_events.csv")

TEMPLATES = [
    "Receiving block <*> src: <*> dest: <*>",
    "BLOCK* NameSystem.allocateBlock: <*> <*>",
    "PacketResponder <*> for block <*> terminating",
    "Received block <*> of size <*> from <*>",
    "BLOCK* NameSystem.addStoredBlock: blockMap updated: <*> is added to <*> size <*>",
    "Verification succeeded for <*>",
    "Deleting block <*> file <*>",
    "BLOCK* NameSystem.delete: <*> is added to invalidSet of <*>",
    "writeBlock <*> received exception <*>",
    "PacketResponder <*> Exception <*>",
    "Served block <*> to <*>",
    "Got exception while serving <*> to <*>",
]
NUM_TEMPLATES = len(TEMPLATES)


def simulate_hdfs_sessions(n_blocks=120, seed=SEED):
    rng = random.Random(seed)
    normal_flow = [1, 0, 0, 0, 3, 3, 3, 2, 2, 2, 4, 4, 4, 10, 5]
    rows = []
    ts = 1_700_000_000
    for block_id in range(n_blocks):
        flow = list(normal_flow)
        if rng.random() < 0.3:
            flow += [10] * rng.randint(1, 4) + [6, 7]
        if rng.random() < 0.05:
            pos = rng.randint(3, len(flow) - 1)
            flow.insert(pos, rng.choice([8, 9, 11]))
        for ev in flow:
            ts += rng.randint(0, 3)
            rows.append((ts, block_id, ev))
    return rows


def dump_events(rows, path):
    with open(path, "w") as fh:
        fh.write("timestamp,block_id,event_id\n")
        for ts, blk, ev in rows:
            fh.write(f"{ts},{blk},{ev}\n")


def load_sessions(path):
    table = np.loadtxt(path, delimiter=",", skiprows=1, dtype=np.int64)
    order = np.lexsort((table[:, 0], table[:, 1]))
    table = table[order]
    sessions = {}
    for _, blk, ev in table:
        sessions.setdefault(int(blk), []).append(ev)
    return {blk: np.asarray(evs) for blk, evs in sessions.items()}


class NextEventWindows(Dataset):
    def __init__(self, sessions, window):
        self.samples = []
        for blk, events in sessions.items():
            for start in range(len(events) - window):
                self.samples.append((events[start:start + window], events[start + window]))

    def __len__(self):
        return len(self.samples)

    def __getitem__(self, idx):
        seq, nxt = self.samples[idx]
        return torch.from_numpy(seq), torch.as_tensor(nxt)


class DeepLogLSTM(nn.Module):
    def __init__(self, n_templates, embed_dim, hidden):
        super().__init__()
        self.embed = nn.Embedding(n_templates, embed_dim)
        self.lstm = nn.LSTM(embed_dim, hidden, num_layers=2, batch_first=True)
        self.out = nn.Linear(hidden, n_templates)

    def forward(self, seq):
        h, _ = self.lstm(self.embed(seq))
        return self.out(h[:, -1])


def topk_hit_rate(model, loader, k):
    model.eval()
    hits, total = 0, 0
    with torch.no_grad():
        for seq, nxt in loader:
            logits = model(seq)
            topk = logits.topk(k, dim=-1).indices
            hits += (topk == nxt.unsqueeze(1)).any(dim=1).sum().item()
            total += nxt.numel()
    return hits / max(total, 1)


def main():
    torch.manual_seed(SEED)
    dump_events(simulate_hdfs_sessions(), EVENTS_CSV)
    sessions = load_sessions(EVENTS_CSV)

    block_ids = sorted(sessions)
    split = int(0.8 * len(block_ids))
    train_sessions = {b: sessions[b] for b in block_ids[:split]}
    val_sessions = {b: sessions[b] for b in block_ids[split:]}

    train_ds = NextEventWindows(train_sessions, WINDOW)
    val_ds = NextEventWindows(val_sessions, WINDOW)
    print(f"{len(train_ds)} train windows, {len(val_ds)} val windows, {NUM_TEMPLATES} templates")

    train_dl = DataLoader(train_ds, batch_size=64, shuffle=True)
    val_dl = DataLoader(val_ds, batch_size=128)

    model = DeepLogLSTM(NUM_TEMPLATES, EMBED_DIM, HIDDEN)
    opt = torch.optim.Adam(model.parameters(), lr=3e-3)
    crit = nn.CrossEntropyLoss()

    for epoch in range(EPOCHS):
        model.train()
        running = 0.0
        for seq, nxt in train_dl:
            opt.zero_grad()
            loss = crit(model(seq), nxt)
            loss.backward()
            opt.step()
            running += loss.item() * seq.size(0)
        hit = topk_hit_rate(model, val_dl, TOP_K)
        print(f"epoch {epoch}: loss={running / len(train_ds):.4f} top{TOP_K}_hit={hit:.3f}")


if __name__ == "__main__":
    main()
