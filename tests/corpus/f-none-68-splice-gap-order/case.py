"""Toy splice-junction scorer: nucleotide context + learned intron-length embedding."""
import random

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)
random.seed(0)

NUC = {"A": 0, "C": 1, "G": 2, "T": 3}
MAX_GAP = 48
DIM = 16

READS = [
    ("CCAGGTAAGTCTTCCTTTCAGGCA", 1),
    ("TTCGGTGAGCATTTTTTTAGGAT", 1),
    ("ACGTACGTTTACCCAGTCA", 0),
    ("GGCAGGTACGGATCTCTCCCAGAC", 1),
    ("ATGTCCGACAGTTGACAGCC", 0),
    ("CAGGTAAGAATCCTTGCAGGTT", 1),
    ("TAGTACCATGCAGAATTC", 0),
    ("GCTGGTGAGTGGGCTTTTCTAGGC", 1),
]


def find_sites(seq):
    """Return (donor, acceptor): index of the first GT and of the last AG after it."""
    donor = seq.find("GT")
    acceptor = seq.rfind("AG")
    if donor < 0 or acceptor <= donor:
        donor, acceptor = 0, len(seq) - 2
    return acceptor, donor


def encode(seq):
    return torch.tensor([NUC[c] for c in seq], dtype=torch.long)


class JunctionScorer(nn.Module):
    def __init__(self, dim=DIM):
        super().__init__()
        self.nuc_emb = nn.Embedding(len(NUC), dim)
        self.gap_emb = nn.Embedding(MAX_GAP, dim)
        self.ctx = nn.Conv1d(dim, dim, kernel_size=3, padding=1)
        self.head = nn.Linear(3 * dim, 2)

    def forward(self, ids, donor, acceptor):
        h = self.nuc_emb(ids).transpose(0, 1).unsqueeze(0)
        h = torch.relu(self.ctx(h)).squeeze(0).transpose(0, 1)
        site_vec = torch.cat([h[donor], h[acceptor]], dim=-1)
        gap_vec = self.gap_emb(torch.tensor(acceptor - donor))
        return self.head(torch.cat([site_vec, gap_vec], dim=-1))


def make_examples(reads):
    examples = []
    for seq, label in reads:
        donor, acceptor = find_sites(seq)
        examples.append((encode(seq), donor, acceptor, label))
    return examples


def train(model, examples, epochs=4):
    opt = torch.optim.Adam(model.parameters(), lr=1e-2)
    for epoch in range(epochs):
        random.shuffle(examples)
        total = 0.0
        for ids, donor, acceptor, label in examples:
            logits = model(ids, donor, acceptor)
            loss = F.cross_entropy(logits.unsqueeze(0), torch.tensor([label]))
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item()
        print(f"epoch {epoch}: loss {total / len(examples):.4f}")


def main():
    examples = make_examples(READS)
    print(f"{len(examples)} reads, max gap {MAX_GAP}")
    model = JunctionScorer()
    train(model, examples)
    model.eval()
    with torch.no_grad():
        for ids, donor, acceptor, label in examples[:3]:
            p = model(ids, donor, acceptor).softmax(-1)[1].item()
            print(f"donor={donor} acceptor={acceptor} p(junction)={p:.2f} label={label}")


if __name__ == "__main__":
    main()
