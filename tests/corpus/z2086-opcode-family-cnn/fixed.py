"""Malware family classification from disassembled x86 opcode streams.

A small MalConv-style gated CNN over opcode tokens extracted from the entry
function of each sample."""
import random
from collections import Counter

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, Dataset

random.seed(3)
torch.manual_seed(3)

FAMILIES = ["benign", "emotet", "trickbot", "njrat", "wannacry"]
OPCODES = [
    "mov", "push", "pop", "call", "ret", "jmp", "je", "jne", "cmp", "test",
    "xor", "and", "or", "add", "sub", "lea", "inc", "dec", "shl", "shr",
    "rol", "ror", "nop", "int3", "movzx", "imul", "div", "rep", "stosb", "lodsb",
]
PAD_OP, UNK_OP = "<pad>", "<unk>"
MAX_OPS = 96


def synth_sample(family_idx):
    n = random.randint(30, 150)
    base = [random.choice(OPCODES[:16]) for _ in range(n)]
    if family_idx:
        motif = OPCODES[16 + 2 * family_idx: 16 + 2 * family_idx + 4]
        for _ in range(n // 10):
            at = random.randrange(0, max(1, n - len(motif)))
            base[at:at + len(motif)] = motif
    return base


def build_opcode_vocab(streams, min_count=1):
    counts = Counter(op for s in streams for op in s)
    vocab = {PAD_OP: 0, UNK_OP: 1}
    for op, c in counts.most_common():
        if c >= min_count:
            vocab[op] = len(vocab)
    return vocab


class OpcodeCorpus(Dataset):
    def __init__(self, streams, families, op2id):
        self.streams = streams
        self.families = families
        self.op2id = op2id

    def __len__(self):
        return len(self.streams)

    def __getitem__(self, idx):
        ops = [self.op2id.get(op, self.op2id[UNK_OP]) for op in self.streams[idx]]
        ops = ops[:MAX_OPS]
        ops = ops + [self.op2id[PAD_OP]] * (MAX_OPS - len(ops))
        return torch.tensor(ops, dtype=torch.long), self.families[idx]


class GatedOpcodeCNN(nn.Module):
    def __init__(self, n_ops, n_fam, dim=24, channels=48, width=5):
        super().__init__()
        self.embed = nn.Embedding(n_ops, dim, padding_idx=0)
        self.conv = nn.Conv1d(dim, channels, width, padding=width // 2)
        self.gate = nn.Conv1d(dim, channels, width, padding=width // 2)
        self.fc = nn.Linear(channels, n_fam)

    def forward(self, op_ids):
        e = self.embed(op_ids).transpose(1, 2)
        h = self.conv(e) * torch.sigmoid(self.gate(e))
        h = F.adaptive_max_pool1d(h, 1).squeeze(-1)
        return self.fc(h)


def main():
    streams, fams = [], []
    for _ in range(200):
        f = random.randrange(len(FAMILIES))
        streams.append(synth_sample(f))
        fams.append(f)

    split = 160
    op2id = build_opcode_vocab(streams[:split])
    train_ds = OpcodeCorpus(streams[:split], fams[:split], op2id)
    test_ds = OpcodeCorpus(streams[split:], fams[split:], op2id)
    train_dl = DataLoader(train_ds, batch_size=16, shuffle=True)
    test_dl = DataLoader(test_ds, batch_size=20)

    clf = GatedOpcodeCNN(len(op2id), len(FAMILIES))
    opt = torch.optim.Adam(clf.parameters(), lr=1e-3)

    for epoch in range(4):
        clf.train()
        total = 0.0
        for op_ids, family in train_dl:
            loss = F.cross_entropy(clf(op_ids), family)
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item()
        clf.eval()
        correct = 0
        with torch.no_grad():
            for op_ids, family in test_dl:
                correct += (clf(op_ids).argmax(1) == family).sum().item()
        print(f"epoch {epoch}: loss {total / len(train_dl):.3f} "
              f"test acc {correct / len(test_ds):.3f}")


if __name__ == "__main__":
    main()
