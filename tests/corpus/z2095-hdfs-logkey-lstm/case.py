"""DeepLog-style log anomaly detection on HDFS block sessions.

Raw DataNode/NameNode lines are reduced to templates (variables masked),
each template gets a log key, and an LSTM language model learns which key
comes next in a normal block session. At test time a session is flagged if
the observed next key is not among the top-g predicted keys.
"""
import random
import re

import torch
import torch.nn as nn

random.seed(5)
torch.manual_seed(5)

RAW_TEMPLATES = [
    "Receiving block {blk} src: /{ip}:{port} dest: /{ip}:{port}",
    "BLOCK* NameSystem.allocateBlock: /user/root/rand/_temporary/part-{n}. {blk}",
    "PacketResponder {n} for block {blk} terminating",
    "Received block {blk} of size {n} from /{ip}",
    "BLOCK* NameSystem.addStoredBlock: blockMap updated: {ip}:{port} is added to {blk} size {n}",
    "Verification succeeded for {blk}",
    "Deleting block {blk} file /mnt/hadoop/dfs/data/current/subdir{n}/{blk}",
    "BLOCK* NameSystem.delete: {blk} is added to invalidSet of {ip}:{port}",
    "Exception in receiveBlock for block {blk} java.io.IOException: Connection reset by peer",
    "writeBlock {blk} received exception java.io.IOException: Could not read from stream",
]
NORMAL_FLOW = [1, 0, 0, 0, 2, 3, 4, 2, 3, 4, 2, 3, 4, 5]
WINDOW = 10
TOP_G = 3


def render(tid, blk):
    ip = f"10.251.{random.randint(0, 255)}.{random.randint(1, 254)}"
    return RAW_TEMPLATES[tid].format(blk=blk, ip=ip, port=random.randint(30000, 60000),
                                     n=random.randint(0, 67108864))


def make_session(anomalous):
    blk = f"blk_{random.randint(-9 * 10**18, 9 * 10**18)}"
    flow = list(NORMAL_FLOW)
    if random.random() < 0.5:
        flow += [7, 6]
    if anomalous:
        cut = random.randint(3, len(flow) - 2)
        flow = flow[:cut] + [8, 9] + flow[cut:]
    return [render(t, blk) for t in flow]


MASKS = [(re.compile(r"blk_-?\d+"), "<BLK>"),
         (re.compile(r"\d+\.\d+\.\d+\.\d+(:\d+)?"), "<IP>"),
         (re.compile(r"\d+"), "<NUM>")]


class TemplateParser:
    def __init__(self):
        self.key_of = {}

    def __call__(self, line):
        for pat, tag in MASKS:
            line = pat.sub(tag, line)
        if line not in self.key_of:
            self.key_of[line] = len(self.key_of)
        return self.key_of[line]


def to_windows(keys, width):
    seq = torch.tensor(keys)
    win = seq.unfold(0, width + 1, 1)
    return win[:, :width], win[:, 1:]


class LogKeyLSTM(nn.Module):
    def __init__(self, n_keys, emb=16, hidden=48):
        super().__init__()
        self.hidden = hidden
        self.embed = nn.Embedding(n_keys, emb)
        self.lstm = nn.LSTM(emb, hidden, num_layers=2)
        self.out = nn.Linear(hidden, n_keys)

    def forward(self, hist):
        x = self.embed(hist).transpose(0, 1)          # (time, batch, emb)
        steps, _ = self.lstm(x)                        # (time, batch, hidden)
        flat = steps.transpose(0, 1).view(-1, self.hidden)
        return self.out(flat)                          # (batch*time, n_keys)


def main():
    parser = TemplateParser()
    for line in [render(t, "blk_1") for t in range(len(RAW_TEMPLATES))]:
        parser(line)
    n_keys = len(parser.key_of)
    print(f"{n_keys} log templates")

    train_hist, train_next = [], []
    for _ in range(120):
        keys = [parser(l) for l in make_session(anomalous=False)]
        h, nx = to_windows(keys, WINDOW)
        train_hist.append(h)
        train_next.append(nx)
    hist = torch.cat(train_hist)
    nxt = torch.cat(train_next)
    print(f"{hist.size(0)} training windows of {WINDOW} keys")

    model = LogKeyLSTM(n_keys)
    opt = torch.optim.Adam(model.parameters(), lr=5e-3)
    ce = nn.CrossEntropyLoss()
    for epoch in range(3):
        order = torch.randperm(hist.size(0))
        for i in range(0, len(order), 32):
            b = order[i:i + 32]
            logits = model(hist[b])
            loss = ce(logits, nxt[b].reshape(-1))
            opt.zero_grad()
            loss.backward()
            opt.step()
        print(f"epoch {epoch} loss {loss.item():.4f}")

    model.eval()
    flagged = {True: 0, False: 0}
    with torch.no_grad():
        for k in range(40):
            bad = k % 2 == 0
            keys = [parser(l) for l in make_session(anomalous=bad)]
            h, nx = to_windows(keys, WINDOW)
            top = model(h).view(h.size(0), WINDOW, -1)[:, -1].topk(TOP_G, dim=-1).indices
            miss = (top != nx[:, -1:]).all(dim=1)
            flagged[bad] += int(miss.any())
    print(f"flagged {flagged[True]}/20 anomalous, {flagged[False]}/20 normal sessions")


if __name__ == "__main__":
    main()
