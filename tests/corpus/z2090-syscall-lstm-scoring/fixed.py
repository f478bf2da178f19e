"""Host IDS: next-syscall language model on ADFA-LD-like traces.

Train an LSTM on normal process traces, then flag traces whose syscall
sequence is surprising: score = worst sliding-window mean NLL.
"""
import random

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.nn.utils.rnn import pad_sequence

PAD = 0
N_SYSCALLS = 64          # syscall numbers 1..63, 0 is padding
WINDOW = 8
SEED = 11

NORMAL_GRAMMAR = [[3, 4, 5, 6], [3, 3, 4, 6, 7], [45, 91, 3, 4], [5, 6, 192, 197, 5]]
EXPLOIT_CALLS = [11, 102, 63, 23, 60, 33]


def synth_trace(rng, attack=False):
    calls = []
    target_len = rng.randint(30, 96)
    while len(calls) < target_len:
        block = rng.choice(NORMAL_GRAMMAR)
        calls.extend(c % N_SYSCALLS or 1 for c in block)
        if attack and rng.random() < 0.3:
            calls.extend(c % N_SYSCALLS for c in rng.sample(EXPLOIT_CALLS, 3))
    return torch.tensor(calls[:target_len])


def collate(traces):
    lengths = torch.tensor([t.numel() for t in traces])
    return pad_sequence(traces, batch_first=True, padding_value=PAD), lengths


class SyscallLM(nn.Module):
    def __init__(self, n_calls, dim=32, hidden=64):
        super().__init__()
        self.emb = nn.Embedding(n_calls, dim, padding_idx=PAD)
        self.rnn = nn.LSTM(dim, hidden, batch_first=True)
        self.out = nn.Linear(hidden, n_calls)

    def forward(self, calls):
        h, _ = self.rnn(self.emb(calls))
        return self.out(h)


def next_call_nll(model, padded):
    """Per-position NLL of predicting call t+1 from calls <= t; shape (B, T-1)."""
    logits = model(padded[:, :-1])
    return F.cross_entropy(logits.transpose(1, 2), padded[:, 1:],
                           ignore_index=PAD, reduction="none")


def train(model, traces, epochs=3, batch_size=16):
    opt = torch.optim.Adam(model.parameters(), lr=3e-3)
    for ep in range(epochs):
        random.Random(ep).shuffle(traces)
        total, steps = 0.0, 0
        for i in range(0, len(traces), batch_size):
            padded, _ = collate(traces[i:i + batch_size])
            nll = next_call_nll(model, padded)
            mask = padded[:, 1:] != PAD
            loss = nll[mask].mean()
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item()
            steps += 1
        print(f"epoch {ep}: mean nll {total / steps:.3f}")


def window_scores(nll, lengths):
    """Worst sliding-window mean NLL for every trace in the batch."""
    scores = []
    for i in range(nll.size(0)):
        row = nll[i]
        n_steps = int(lengths[i]) - 1
        window, best = [], 0.0
        for t in range(n_steps):
            window.append(row[t].item())
            if len(window) > WINDOW:
                window.pop(0)
            best = max(best, sum(window) / len(window))
        scores.append(best)
    return torch.tensor(scores)


@torch.no_grad()
def score_traces(model, traces):
    model.eval()
    padded, lengths = collate(traces)
    nll = next_call_nll(model, padded)
    return window_scores(nll, lengths)


def main():
    rng = random.Random(SEED)
    torch.manual_seed(SEED)
    normal_train = [synth_trace(rng) for _ in range(160)]
    normal_val = [synth_trace(rng) for _ in range(24)]
    attacks = [synth_trace(rng, attack=True) for _ in range(24)]

    model = SyscallLM(N_SYSCALLS)
    train(model, normal_train)

    val_scores = score_traces(model, normal_val)
    threshold = torch.quantile(val_scores, 0.95).item()
    atk_scores = score_traces(model, attacks)

    detected = (atk_scores > threshold).float().mean().item()
    false_pos = (val_scores > threshold).float().mean().item()
    print(f"threshold {threshold:.3f}  detection rate {detected:.2f}  val FPR {false_pos:.2f}")


if __name__ == "__main__":
    main()
