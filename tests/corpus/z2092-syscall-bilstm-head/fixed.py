"""Host-based intrusion detection on system-call traces (ADFA-LD style).

Each trace is the sequence of syscall numbers issued by one process. A
bidirectional LSTM reads the (window of the) trace and a small MLP head
decides normal vs. attack.
"""
import random

import torch
import torch.nn as nn
from torch.utils.data import DataLoader, Dataset

random.seed(7)
torch.manual_seed(7)

HPARAMS = {
    "n_syscalls": 341,      # x86_64 syscall table size incl. padding slot 0
    "embed_dim": 48,
    "lstm_hidden": 64,
    "lstm_layers": 1,
    "window": 60,
    "head_hidden": 32,
    "n_classes": 2,
    "batch_size": 16,
    "lr": 3e-3,
    "epochs": 2,
}

# syscalls that show up a lot in benign webserver traces vs. typical exploit payloads
BENIGN_POOL = [0, 1, 3, 4, 5, 9, 10, 11, 12, 13, 21, 39, 45, 78, 102, 104]
ATTACK_POOL = [2, 33, 41, 42, 49, 56, 57, 59, 90, 105, 157, 165, 231, 272]


def synth_trace(is_attack):
    length = random.randint(40, 140)
    trace = [random.choice(BENIGN_POOL) + 1 for _ in range(length)]
    if is_attack:
        start = random.randint(0, length - 15)
        for k in range(start, start + random.randint(8, 15)):
            trace[k] = random.choice(ATTACK_POOL) + 1
    return trace


class SyscallWindows(Dataset):
    def __init__(self, traces, labels, window):
        self.traces = traces
        self.labels = labels
        self.window = window

    def __len__(self):
        return len(self.traces)

    def __getitem__(self, i):
        tr = self.traces[i][-self.window:]
        padded = [0] * (self.window - len(tr)) + tr
        return torch.tensor(padded, dtype=torch.long), torch.tensor(self.labels[i])


class TraceEncoder(nn.Module):
    def __init__(self, n_syscalls, embed_dim, hidden, layers):
        super().__init__()
        self.emb = nn.Embedding(n_syscalls, embed_dim, padding_idx=0)
        self.rnn = nn.LSTM(embed_dim, hidden, num_layers=layers,
                           batch_first=True, bidirectional=True)

    def forward(self, calls):
        _, (h_n, _) = self.rnn(self.emb(calls))
        # last layer, forward and backward directions
        return torch.cat([h_n[-2], h_n[-1]], dim=1)


class AttackHead(nn.Module):
    def __init__(self, in_dim, hidden, n_classes):
        super().__init__()
        self.net = nn.Sequential(
            nn.Linear(in_dim, hidden),
            nn.ReLU(),
            nn.Dropout(0.1),
            nn.Linear(hidden, n_classes),
        )

    def forward(self, summary):
        return self.net(summary)


class HidsModel(nn.Module):
    def __init__(self, hp):
        super().__init__()
        self.encoder = TraceEncoder(hp["n_syscalls"], hp["embed_dim"],
                                    hp["lstm_hidden"], hp["lstm_layers"])
        self.head = AttackHead(2 * hp["lstm_hidden"], hp["head_hidden"], hp["n_classes"])

    def forward(self, calls):
        return self.head(self.encoder(calls))


def main():
    hp = HPARAMS
    labels = [int(random.random() < 0.3) for _ in range(160)]
    traces = [synth_trace(y == 1) for y in labels]
    split = 128
    train_ds = SyscallWindows(traces[:split], labels[:split], hp["window"])
    val_ds = SyscallWindows(traces[split:], labels[split:], hp["window"])
    train_dl = DataLoader(train_ds, batch_size=hp["batch_size"], shuffle=True)
    val_dl = DataLoader(val_ds, batch_size=hp["batch_size"])

    model = HidsModel(hp)
    opt = torch.optim.Adam(model.parameters(), lr=hp["lr"])
    crit = nn.CrossEntropyLoss(weight=torch.tensor([1.0, 2.0]))

    for epoch in range(hp["epochs"]):
        model.train()
        running = 0.0
        for calls, y in train_dl:
            opt.zero_grad()
            loss = crit(model(calls), y)
            loss.backward()
            opt.step()
            running += loss.item() * calls.size(0)
        model.eval()
        correct = 0
        with torch.no_grad():
            for calls, y in val_dl:
                correct += (model(calls).argmax(-1) == y).sum().item()
        print(f"epoch {epoch}  train_loss={running / len(train_ds):.4f}  "
              f"val_acc={correct / len(val_ds):.3f}")


if __name__ == "__main__":
    main()
