import re
import random
from collections import Counter
from dataclasses import dataclass

import torch
import torch.nn as nn
from torch.utils.data import Dataset, DataLoader

random.seed(7)
torch.manual_seed(7)

USERS = ["root", "admin", "deploy", "alice", "bob", "git", "oracle", "test"]
NORMAL_TEMPLATES = [
    "sshd[{pid}]: Accepted publickey for {user} from {ip} port {port} ssh2",
    "sshd[{pid}]: pam_unix(sshd:session): session opened for user {user} by (uid=0)",
    "sshd[{pid}]: pam_unix(sshd:session): session closed for user {user}",
    "sshd[{pid}]: Received disconnect from {ip} port {port}:11: disconnected by user",
    "CRON[{pid}]: pam_unix(cron:session): session opened for user root by (uid=0)",
    "systemd-logind[{pid}]: New session {sid} of user {user}.",
]
ATTACK_TEMPLATES = [
    "sshd[{pid}]: Failed password for invalid user {user} from {ip} port {port} ssh2",
    "sshd[{pid}]: Invalid user {user} from {ip} port {port}",
    "sshd[{pid}]: error: maximum authentication attempts exceeded for {user} from {ip} port {port} ssh2 [preauth]",
    "sshd[{pid}]: Disconnecting invalid user {user} {ip} port {port}: Too many authentication failures [preauth]",
]

MASK_RULES = [
    (re.compile(r"\b\d{1,3}(?:\.\d{1,3}){3}\b"), "<IP>"),
    (re.compile(r"\[\d+\]"), "[<PID>]"),
    (re.compile(r"\bport \d+"), "port <PORT>"),
    (re.compile(r"\b\d+\b"), "<NUM>"),
]
SPLIT_RE = re.compile(r"[\s:=()\[\],]+")

SPECIALS = ["<pad>", "<unk>"]


def fake_line(attack: bool) -> str:
    tpl = random.choice(ATTACK_TEMPLATES if attack else NORMAL_TEMPLATES)
    return tpl.format(
        pid=random.randint(300, 65000),
        user=random.choice(USERS),
        ip=f"10.{random.randint(0, 255)}.{random.randint(0, 255)}.{random.randint(1, 254)}",
        port=random.randint(1024, 65535),
        sid=random.randint(1, 999),
    )


def generate_stream(n_windows, window):
    windows, labels = [], []
    for _ in range(n_windows):
        is_attack = random.random() < 0.3
        lines = [fake_line(is_attack and random.random() < 0.5) for _ in range(window)]
        windows.append(lines)
        labels.append(int(is_attack))
    return windows, labels


def to_template(line: str) -> str:
    for rx, repl in MASK_RULES:
        line = rx.sub(repl, line)
    return line


def tokenize(line: str):
    return [t for t in SPLIT_RE.split(to_template(line).lower()) if t]


@dataclass
class Cfg:
    window: int = 8
    max_tokens: int = 96
    emb_dim: int = 32
    hidden: int = 48
    batch_size: int = 16
    epochs: int = 2
    lr: float = 3e-3


class LogWindowDataset(Dataset):
    def __init__(self, windows, labels, tok2id, max_tokens):
        self.samples = []
        unk = tok2id["<unk>"]
        for lines, y in zip(windows, labels):
            toks = [tok for line in lines for tok in tokenize(line)][:max_tokens]
            ids = [tok2id.get(t, unk) for t in toks]
            self.samples.append((torch.tensor(ids, dtype=torch.long), y))

    def __len__(self):
        return len(self.samples)

    def __getitem__(self, i):
        return self.samples[i]


def collate(batch):
    seqs, ys = zip(*batch)
    lengths = torch.tensor([len(s) for s in seqs])
    padded = nn.utils.rnn.pad_sequence(seqs, batch_first=True, padding_value=0)
    return padded, lengths, torch.tensor(ys, dtype=torch.float)


class LogLSTM(nn.Module):
    def __init__(self, vocab_size, cfg: Cfg):
        super().__init__()
        self.emb = nn.Embedding(vocab_size, cfg.emb_dim, padding_idx=0)
        self.lstm = nn.LSTM(cfg.emb_dim, cfg.hidden, batch_first=True, bidirectional=True)
        self.head = nn.Linear(2 * cfg.hidden, 1)

    def forward(self, ids, lengths):
        x = self.emb(ids)
        packed = nn.utils.rnn.pack_padded_sequence(x, lengths, batch_first=True, enforce_sorted=False)
        _, (h, _) = self.lstm(packed)
        h = torch.cat([h[-2], h[-1]], dim=-1)
        return self.head(h).squeeze(-1)


def main():
    cfg = Cfg()
    train_w, train_y = generate_stream(400, cfg.window)
    val_w, val_y = generate_stream(100, cfg.window)

    token_counts = Counter(tok for lines in train_w for line in lines for tok in tokenize(line))
    print(f"{len(token_counts)} distinct log tokens")
    tok2id = {tok: i for i, tok in enumerate(SPECIALS)}
    for tok, _ in token_counts.most_common():
        tok2id[tok] = len(tok2id)

    train_ds = LogWindowDataset(train_w, train_y, tok2id, cfg.max_tokens)
    val_ds = LogWindowDataset(val_w, val_y, tok2id, cfg.max_tokens)
    train_dl = DataLoader(train_ds, batch_size=cfg.batch_size, shuffle=True, collate_fn=collate)
    val_dl = DataLoader(val_ds, batch_size=64, collate_fn=collate)

    model = LogLSTM(len(tok2id), cfg)
    opt = torch.optim.Adam(model.parameters(), lr=cfg.lr)
    loss_fn = nn.BCEWithLogitsLoss()

    for epoch in range(cfg.epochs):
        model.train()
        total = 0.0
        for ids, lengths, y in train_dl:
            opt.zero_grad()
            loss = loss_fn(model(ids, lengths), y)
            loss.backward()
            opt.step()
            total += loss.item() * len(y)
        model.eval()
        correct = 0
        with torch.no_grad():
            for ids, lengths, y in val_dl:
                pred = (torch.sigmoid(model(ids, lengths)) > 0.5).float()
                correct += (pred == y).sum().item()
        print(f"epoch {epoch}: loss={total / len(train_ds):.4f} val_acc={correct / len(val_ds):.3f}")


if __name__ == "__main__":
    main()
