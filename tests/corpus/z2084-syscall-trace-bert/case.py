"""Host-based intrusion detection: classify process syscall traces as benign or
compromised with a tiny BERT encoder trained from scratch."""
import os
import random
import tempfile

import torch
from torch.utils.data import DataLoader, Dataset
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

random.seed(7)
torch.manual_seed(7)

SYSCALLS = [
    "read", "write", "open", "openat", "close", "stat", "fstat", "lstat", "mmap",
    "mprotect", "munmap", "brk", "ioctl", "access", "pipe", "select", "dup2",
    "socket", "connect", "accept", "sendto", "recvfrom", "bind", "listen",
    "clone", "fork", "execve", "exit", "kill", "chmod", "chown", "getuid",
    "setuid", "ptrace", "unlink", "rename", "mkdir", "getdents", "nanosleep",
]
SPECIALS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]

TRACE_WINDOW = 128
BATCH = 8


def write_vocab(folder):
    path = os.path.join(folder, "syscalls.txt")
    with open(path, "w") as fh:
        for tok in SPECIALS + SYSCALLS:
            fh.write(tok + "\n")
    return path


def synth_trace(compromised):
    """Emit a syscall trace; compromised processes show a privilege-escalation motif."""
    n_calls = random.randint(60, 200)
    calls = [random.choice(SYSCALLS[:24]) for _ in range(n_calls)]
    if compromised:
        at = random.randint(0, n_calls - 6)
        calls[at:at + 6] = ["ptrace", "setuid", "execve", "chmod", "socket", "connect"]
    return " ".join(calls)


class TraceSet(Dataset):
    def __init__(self, n):
        self.rows = []
        for _ in range(n):
            bad = random.random() < 0.4
            self.rows.append((synth_trace(bad), int(bad)))

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, i):
        return self.rows[i]


def make_collate(tokenizer):
    def collate(rows):
        traces = [r[0] for r in rows]
        verdicts = torch.tensor([r[1] for r in rows])
        enc = tokenizer(traces, padding=True, return_tensors="pt")
        enc["labels"] = verdicts
        return enc
    return collate


def build_detector(vocab_size, pad_id):
    cfg = BertConfig(
        vocab_size=vocab_size,
        hidden_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=TRACE_WINDOW,
        pad_token_id=pad_id,
        num_labels=2,
    )
    return BertForSequenceClassification(cfg)


def run_epoch(detector, loader, opt):
    detector.train()
    total, seen = 0.0, 0
    for step, batch in enumerate(loader):
        out = detector(**batch)
        opt.zero_grad()
        out.loss.backward()
        opt.step()
        total += out.loss.item() * batch["labels"].size(0)
        seen += batch["labels"].size(0)
    return total / max(seen, 1)


@torch.no_grad()
def evaluate(detector, loader):
    detector.eval()
    hits, seen = 0, 0
    for batch in loader:
        logits = detector(**batch).logits
        hits += (logits.argmax(-1) == batch["labels"]).sum().item()
        seen += batch["labels"].size(0)
    return hits / max(seen, 1)


def main():
    with tempfile.TemporaryDirectory() as tmp:
        vocab_path = write_vocab(tmp)
        tokenizer = BertTokenizer(vocab_path, do_lower_case=False)

        train_set = TraceSet(96)
        val_set = TraceSet(32)
        collate = make_collate(tokenizer)
        train_dl = DataLoader(train_set, batch_size=BATCH, shuffle=True, collate_fn=collate)
        val_dl = DataLoader(val_set, batch_size=BATCH, collate_fn=collate)

        detector = build_detector(tokenizer.vocab_size, tokenizer.pad_token_id)
        opt = torch.optim.AdamW(detector.parameters(), lr=3e-4)

        for epoch in range(2):
            loss = run_epoch(detector, train_dl, opt)
            acc = evaluate(detector, val_dl)
            print(f"epoch {epoch}: train loss {loss:.4f}  val acc {acc:.3f}")


if __name__ == "__main__":
    main()
