"""Predict aborted EV charging sessions from charger event logs.

Each session is the sequence of OCPP-style events emitted by the charger
(plug-in, auth, meter steps, suspends, faults ...) with the seconds elapsed
since the previous event. Train on depot A, validate on depot B.
"""
import random
from collections import Counter

import numpy as np
import torch
import torch.nn as nn
from torch.nn.utils.rnn import pack_padded_sequence
from torch.utils.data import DataLoader, Dataset

SEED = 3
random.seed(SEED)
np.random.seed(SEED)
torch.manual_seed(SEED)

PAD_ID = 0
UNK_ID = 1
BASE_EVENTS = ["PLUG_IN", "AUTH_OK", "AUTH_RETRY", "START_TX", "METER_3KW", "METER_7KW", "METER_11KW",
               "METER_22KW", "SUSPEND_EV", "SUSPEND_EVSE", "RESUME", "STOP_TX", "UNPLUG"]
FAULTS = ["FAULT_GROUND", "FAULT_OVERTEMP", "FAULT_COMMS"]
DEPOT_B_EXTRA = ["DERATE_THERMAL", "FW_HEARTBEAT_V2", "ISO15118_HANDSHAKE"]


def synth_session(depot):
    events = ["PLUG_IN"]
    if random.random() < 0.15:
        events.append("AUTH_RETRY")
    events += ["AUTH_OK", "START_TX"]
    if depot == "B" and random.random() < 0.6:
        events.insert(1, "ISO15118_HANDSHAKE")
    aborted = random.random() < 0.25
    n_meter = random.randint(3, 14)
    for k in range(n_meter):
        events.append(random.choice(BASE_EVENTS[4:8]))
        if random.random() < 0.1:
            events += [random.choice(["SUSPEND_EV", "SUSPEND_EVSE"]), "RESUME"]
        if depot == "B" and random.random() < 0.2:
            events.append(random.choice(["DERATE_THERMAL", "FW_HEARTBEAT_V2"]))
        if aborted and k == n_meter // 2:
            events.append(random.choice(FAULTS))
            break
    events += ["STOP_TX", "UNPLUG"]
    gaps = [0.0] + list(np.random.exponential(90.0, size=len(events) - 1))
    return {"depot": depot, "events": events, "gaps_s": gaps, "aborted": int(aborted)}


def build_vocab(sessions):
    counts = Counter(ev for s in sessions for ev in s["events"])
    vocab = {"<pad>": PAD_ID, "<unk>": UNK_ID}
    for code, _ in counts.most_common():
        vocab[code] = len(vocab)
    return vocab


class SessionLogDataset(Dataset):
    def __init__(self, sessions, vocab):
        self.sessions = sessions
        self.vocab = vocab
        self.unk_id = vocab["<unk>"]

    def __len__(self):
        return len(self.sessions)

    def __getitem__(self, idx):
        s = self.sessions[idx]
        ids = [self.vocab.get(ev, self.unk_id) for ev in s["events"]]
        gaps = np.log1p(np.asarray(s["gaps_s"], dtype=np.float32))
        return torch.tensor(ids, dtype=torch.long), torch.from_numpy(gaps), s["aborted"]


def collate_sessions(batch):
    ids, gaps, labels = zip(*batch)
    lengths = torch.tensor([len(x) for x in ids])
    max_len = int(lengths.max())
    id_pad = torch.full((len(ids), max_len), PAD_ID, dtype=torch.long)
    gap_pad = torch.zeros(len(ids), max_len)
    for i, (x, g) in enumerate(zip(ids, gaps)):
        id_pad[i, :len(x)] = x
        gap_pad[i, :len(g)] = g
    return id_pad, gap_pad, lengths, torch.tensor(labels, dtype=torch.float32)


class AbortClassifier(nn.Module):
    def __init__(self, n_codes, emb_dim=24, hidden=48):
        super().__init__()
        self.code_emb = nn.Embedding(n_codes, emb_dim, padding_idx=PAD_ID)
        self.gap_proj = nn.Linear(1, 8)
        self.rnn = nn.GRU(emb_dim + 8, hidden, batch_first=True)
        self.out = nn.Linear(hidden, 1)

    def forward(self, ids, gaps, lengths):
        x = torch.cat([self.code_emb(ids), torch.relu(self.gap_proj(gaps.unsqueeze(-1)))], dim=-1)
        packed = pack_padded_sequence(x, lengths, batch_first=True, enforce_sorted=False)
        _, h = self.rnn(packed)
        return self.out(h[-1]).squeeze(-1)


def evaluate(model, loader):
    model.eval()
    tp = fp = fn = 0
    with torch.no_grad():
        for ids, gaps, lengths, y in loader:
            pred = (torch.sigmoid(model(ids, gaps, lengths)) > 0.5).float()
            tp += ((pred == 1) & (y == 1)).sum().item()
            fp += ((pred == 1) & (y == 0)).sum().item()
            fn += ((pred == 0) & (y == 1)).sum().item()
    return tp / max(tp + 0.5 * (fp + fn), 1e-9)


def main():
    train_sessions = [synth_session("A") for _ in range(400)]
    val_sessions = [synth_session("B") for _ in range(120)]
    vocab = build_vocab(train_sessions)
    print(f"{len(vocab)} event codes in vocab (depot A)")

    train_dl = DataLoader(SessionLogDataset(train_sessions, vocab), batch_size=32, shuffle=True,
                          collate_fn=collate_sessions)
    val_dl = DataLoader(SessionLogDataset(val_sessions, vocab), batch_size=64, collate_fn=collate_sessions)

    model = AbortClassifier(n_codes=len(vocab))
    opt = torch.optim.Adam(model.parameters(), lr=3e-3)
    pos_weight = torch.tensor(3.0)
    for epoch in range(3):
        model.train()
        tot = 0.0
        for ids, gaps, lengths, y in train_dl:
            logits = model(ids, gaps, lengths)
            loss = nn.functional.binary_cross_entropy_with_logits(logits, y, pos_weight=pos_weight)
            opt.zero_grad()
            loss.backward()
            opt.step()
            tot += loss.item() * len(y)
        f1 = evaluate(model, val_dl)
        print(f"epoch {epoch}: train_loss={tot / len(train_sessions):.4f} depotB_f1={f1:.3f}")


if __name__ == "__main__":
    main()
