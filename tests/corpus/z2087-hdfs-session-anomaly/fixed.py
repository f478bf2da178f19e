"""Log anomaly detection on HDFS-style block sessions.

Raw log lines are reduced to template ids (log keys); each block's session is a
fixed window of log keys, and a seq-first LSTM scores whether the session is
anomalous."""
import random
import re

import torch
import torch.nn as nn

random.seed(21)
torch.manual_seed(21)

TEMPLATES = [
    "Receiving block <*> src: <*> dest: <*>",
    "Received block <*> of size <*> from <*>",
    "PacketResponder <*> for block <*> terminating",
    "BLOCK* NameSystem.addStoredBlock: blockMap updated: <*> is added to <*> size <*>",
    "Verification succeeded for <*>",
    "Deleting block <*> file <*>",
    "BLOCK* NameSystem.allocateBlock: <*>",
    "writeBlock <*> received exception <*>",
    "PacketResponder <*> Exception <*>",
    "Exception in receiveBlock for block <*> <*>",
    "Changing block file offset of block <*> from <*> to <*>",
]
NORMAL_KEYS = list(range(7))
FAULT_KEYS = [7, 8, 9, 10]
WINDOW = 20
N_KEYS = len(TEMPLATES) + 1      # +1 for padding key 0


def template_of(line):
    for k, tpl in enumerate(TEMPLATES):
        pattern = "^" + re.escape(tpl).replace(re.escape("<*>"), r"\S+") + "$"
        if re.match(pattern, line):
            return k + 1
    return 0


def render(key):
    tpl = TEMPLATES[key]
    return re.sub(r"<\*>", lambda _: f"blk_{random.randint(1, 10**6)}", tpl)


def synth_session():
    anomalous = random.random() < 0.3
    keys = [random.choice(NORMAL_KEYS) for _ in range(random.randint(8, 30))]
    if anomalous:
        for _ in range(random.randint(1, 3)):
            keys.insert(random.randrange(len(keys)), random.choice(FAULT_KEYS))
    return [render(k) for k in keys], int(anomalous)


def session_to_window(lines):
    ids = [template_of(l) for l in lines][:WINDOW]
    return ids + [0] * (WINDOW - len(ids))


class SessionScorer(nn.Module):
    def __init__(self, n_keys, emb=16, hidden=24, window=WINDOW):
        super().__init__()
        self.key_emb = nn.Embedding(n_keys, emb, padding_idx=0)
        self.lstm = nn.LSTM(emb, hidden, num_layers=1)
        self.classifier = nn.Sequential(
            nn.Linear(window * hidden, 64), nn.ReLU(), nn.Linear(64, 2))

    def forward(self, key_windows):
        # key_windows: (window, sessions)
        seq_out, _ = self.lstm(self.key_emb(key_windows))
        per_session = seq_out.permute(1, 0, 2)
        n_sessions = per_session.size(0)
        flat = per_session.reshape(n_sessions, -1)
        return self.classifier(flat)


def make_tensors(sessions):
    windows = torch.tensor([session_to_window(lines) for lines, _ in sessions]).t()
    verdicts = torch.tensor([y for _, y in sessions])
    return windows, verdicts


def main():
    sessions = [synth_session() for _ in range(240)]
    train, test = sessions[:192], sessions[192:]
    test_windows, test_verdicts = make_tensors(test)

    scorer = SessionScorer(N_KEYS)
    opt = torch.optim.Adam(scorer.parameters(), lr=1e-3)
    loss_fn = nn.CrossEntropyLoss(weight=torch.tensor([1.0, 2.0]))

    for epoch in range(4):
        random.shuffle(train)
        scorer.train()
        epoch_loss = 0.0
        for i in range(0, len(train), 32):
            windows, verdicts = make_tensors(train[i:i + 32])
            loss = loss_fn(scorer(windows), verdicts)
            opt.zero_grad()
            loss.backward()
            opt.step()
            epoch_loss += loss.item()
        scorer.eval()
        with torch.no_grad():
            pred = scorer(test_windows).argmax(1)
        tp = ((pred == 1) & (test_verdicts == 1)).sum().item()
        fp = ((pred == 1) & (test_verdicts == 0)).sum().item()
        fn = ((pred == 0) & (test_verdicts == 1)).sum().item()
        f1 = 2 * tp / max(1, 2 * tp + fp + fn)
        print(f"epoch {epoch}: loss {epoch_loss:.3f} test F1 {f1:.3f}")


if __name__ == "__main__":
    main()
