"""Promoter vs. non-promoter classification with a small k-mer BERT.

Sequences are split into overlapping 6-mers (DNABERT style), mapped to ids with
a vocabulary we write ourselves, and fed to a BertForSequenceClassification
built from a config (random init, quick sanity training run).
"""
import itertools
import os
import random
import tempfile

import torch
from transformers import BertConfig, BertForSequenceClassification

K = 6
BASES = "ACGT"
SPECIALS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
random.seed(7)
torch.manual_seed(7)


def write_kmer_vocab(path, k):
    kmers = ["".join(p) for p in itertools.product(BASES, repeat=k)]
    with open(path, "w") as fh:
        for tok in SPECIALS + kmers:
            fh.write(tok + "\n")
    return path


def load_vocab(path):
    with open(path) as fh:
        return {line.strip(): i for i, line in enumerate(fh)}


def random_promoter(length):
    # plant a TATA box ~30bp upstream of the "TSS" at the end
    core = "".join(random.choice(BASES) for _ in range(length))
    pos = max(0, length - 35)
    return core[:pos] + "TATAAA" + core[pos + 6:]


def random_background(length):
    return "".join(random.choice(BASES) for _ in range(length))


def kmerize(seq, k):
    return [seq[i:i + k] for i in range(len(seq) - k + 1)]


class PromoterBatcher:
    def __init__(self, vocab, k):
        self.vocab = vocab
        self.k = k
        self.cls_id = vocab["[CLS]"]
        self.sep_id = vocab["[SEP]"]
        self.pad_id = vocab["[PAD]"]
        self.unk_id = vocab["[UNK]"]

    def encode(self, seq):
        kmers = kmerize(seq.upper(), self.k)
        ids = [self.vocab.get(km, self.unk_id) for km in kmers]
        return [self.cls_id] + ids + [self.sep_id]

    def __call__(self, records):
        seqs = [r[0] for r in records]
        encoded = [self.encode(s) for s in seqs]
        n_tok = max(len(e) for e in encoded)

        token_rows, mask_rows = [], []
        for ids in encoded:
            token_rows.append(ids + [self.pad_id] * (n_tok - len(ids)))
            mask_rows.append([1] * len(ids) + [0] * (n_tok - len(ids)))

        return {
            "kmer_ids": torch.tensor(token_rows, dtype=torch.long),
            "kmer_mask": torch.tensor(mask_rows, dtype=torch.long),
            "is_promoter": torch.tensor([r[1] for r in records], dtype=torch.long),
        }


def make_dataset(n):
    records = []
    for _ in range(n):
        length = random.randint(70, 100)
        if random.random() < 0.5:
            records.append((random_promoter(length), 1))
        else:
            records.append((random_background(length), 0))
    return records


def main():
    workdir = tempfile.mkdtemp(prefix="promoter_")
    vocab_path = write_kmer_vocab(os.path.join(workdir, "vocab_6mer.txt"), K)
    vocab = load_vocab(vocab_path)

    cfg = BertConfig(
        vocab_size=len(vocab),
        hidden_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=128,
        num_labels=2,
        pad_token_id=vocab["[PAD]"],
    )
    model = BertForSequenceClassification(cfg)
    optim = torch.optim.AdamW(model.parameters(), lr=3e-4)

    records = make_dataset(48)
    batcher = PromoterBatcher(vocab, K)
    loader = torch.utils.data.DataLoader(records, batch_size=8, shuffle=True, collate_fn=batcher)

    model.train()
    for epoch in range(2):
        running = 0.0
        for step, batch in enumerate(loader):
            out = model(
                input_ids=batch["kmer_ids"],
                attention_mask=batch["kmer_mask"],
                labels=batch["is_promoter"],
            )
            out.loss.backward()
            optim.step()
            optim.zero_grad()
            running += out.loss.item()
        print(f"epoch {epoch}: mean loss {running / (step + 1):.4f}")

    model.eval()
    with torch.no_grad():
        batch = batcher(records[:8])
        probs = model(input_ids=batch["kmer_ids"], attention_mask=batch["kmer_mask"]).logits.softmax(-1)
    print("P(promoter):", [round(p, 3) for p in probs[:, 1].tolist()])


if __name__ == "__main__":
    main()
