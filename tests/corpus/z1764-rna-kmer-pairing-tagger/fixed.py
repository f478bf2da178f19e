"""Per-nucleotide paired/unpaired tagging for short RNAs.

Sequences are cut into overlapping k-mers (stride 1); a BiLSTM tags every
k-mer with the pairing state of its centre nucleotide.  After training we
turn the k-mer predictions back into a per-nucleotide pairing string.
"""
import itertools
import random

import torch
import torch.nn as nn
from torch.nn.utils.rnn import pad_sequence

torch.manual_seed(7)
random.seed(7)

K = 3
NUCS = "ACGU"
KMER_VOCAB = {"<pad>": 0}
for km in itertools.product(NUCS, repeat=K):
    KMER_VOCAB["".join(km)] = len(KMER_VOCAB)

PAIR_CHAR, UNPAIR_CHAR = "|", "."


def random_hairpin(stem, loop):
    left = "".join(random.choice(NUCS) for _ in range(stem))
    comp = {"A": "U", "U": "A", "G": "C", "C": "G"}
    right = "".join(comp[n] for n in reversed(left))
    loop_seq = "".join(random.choice(NUCS) for _ in range(loop))
    flank = "".join(random.choice(NUCS) for _ in range(random.randint(2, 6)))
    seq = flank + left + loop_seq + right + flank[::-1]
    state = "." * len(flank) + "|" * stem + "." * loop + "|" * stem + "." * len(flank)
    return seq, state


def kmerize(seq, k=K):
    return [KMER_VOCAB[seq[i:i + k]] for i in range(len(seq) - k + 1)]


def centre_labels(state, k=K):
    half = k // 2
    return [1 if state[i + half] == PAIR_CHAR else 0 for i in range(len(state) - k + 1)]


class KmerTagger(nn.Module):
    def __init__(self, n_kmers, emb=24, hidden=32):
        super().__init__()
        self.emb = nn.Embedding(n_kmers, emb, padding_idx=0)
        self.lstm = nn.LSTM(emb, hidden, batch_first=True, bidirectional=True)
        self.out = nn.Linear(2 * hidden, 2)

    def forward(self, kmer_ids):
        h, _ = self.lstm(self.emb(kmer_ids))
        return self.out(h)


def make_batch(records):
    toks = [torch.tensor(kmerize(s)) for s, _ in records]
    labs = [torch.tensor(centre_labels(st)) for _, st in records]
    lengths = torch.tensor([len(t) for t in toks])
    return (pad_sequence(toks, batch_first=True, padding_value=0),
            pad_sequence(labs, batch_first=True, padding_value=-100),
            lengths)


def tokens_to_pairing(seq, token_pred, k=K):
    half = k // 2
    pairing = [UNPAIR_CHAR] * len(seq)
    for t in range(len(seq) - k + 1):
        pairing[t + half] = PAIR_CHAR if token_pred[t].item() == 1 else UNPAIR_CHAR
    return "".join(pairing)


def train(model, train_set, epochs=1, bs=16):
    opt = torch.optim.Adam(model.parameters(), lr=1e-2)
    loss_fn = nn.CrossEntropyLoss(ignore_index=-100)
    for ep in range(epochs):
        random.shuffle(train_set)
        total = 0.0
        for i in range(0, len(train_set), bs):
            kmer_ids, labels, _ = make_batch(train_set[i:i + bs])
            logits = model(kmer_ids)
            loss = loss_fn(logits.reshape(-1, 2), labels.reshape(-1))
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item()
        print(f"epoch {ep}  loss {total:.3f}")


def evaluate(model, records):
    model.eval()
    kmer_ids, labels, lengths = make_batch(records)
    with torch.no_grad():
        preds = model(kmer_ids).argmax(-1)
    n_ok = n_all = 0
    for b, (seq, state) in enumerate(records):
        token_pred = preds[b, : lengths[b]]
        predicted = tokens_to_pairing(seq, token_pred)
        n_ok += sum(p == s for p, s in zip(predicted, state))
        n_all += len(state)
        if b < 3:
            print(seq)
            print(state)
            print(predicted)
    print(f"per-nucleotide accuracy: {n_ok / n_all:.3f}")


def main():
    train_set = [random_hairpin(random.randint(5, 9), random.randint(3, 7)) for _ in range(256)]
    held_out = [random_hairpin(random.randint(5, 9), random.randint(3, 7)) for _ in range(4)]
    model = KmerTagger(len(KMER_VOCAB))
    print(f"{len(KMER_VOCAB)} k-mers, {len(train_set)} training hairpins")
    train(model, train_set)
    evaluate(model, held_out)


if __name__ == "__main__":
    main()
