"""Per-k-mer genomic region segmentation (intergenic / exon / intron) with a tiny DNA-BERT.

Overlapping 3-mers, BertTokenizer over a k-mer vocab, transformer encoder + a small
convolutional head so neighbouring k-mers can smooth the boundary calls.
"""
import itertools
import os
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from transformers import BertConfig, BertModel, BertTokenizer

K = 3
SEQ_BP = 120
N_SEQS = 96
REGION_CLASSES = ["intergenic", "exon", "intron"]
HERE = os.path.dirname(os.path.abspath(__file__))
VOCAB_PATH = os.path.join(HERE, "kmer3_vocab.txt")


@dataclass
class TrainCfg:
    batch_size: int = 16
    epochs: int = 2
    lr: float = 5e-4
    hidden: int = 32
    head_kernel: int = 5


def write_kmer_vocab(path, k):
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    kmers = ["".join(p) for p in itertools.product("ACGT", repeat=k)]
    with open(path, "w") as fh:
        fh.write("\n".join(specials + kmers) + "\n")
    return len(specials) + len(kmers)


def simulate_region(rng):
    """Random sequence with one exon flanked by intron/intergenic, per-base labels."""
    labels = np.zeros(SEQ_BP, dtype=np.int64)
    a, b = sorted(rng.choice(np.arange(10, SEQ_BP - 10), size=2, replace=False))
    labels[a:b] = 1
    labels[b:min(SEQ_BP, b + rng.integers(10, 40))] = 2
    probs = np.array([[0.3, 0.2, 0.2, 0.3], [0.2, 0.3, 0.3, 0.2], [0.28, 0.22, 0.22, 0.28]])
    seq = "".join("ACGT"[rng.choice(4, p=probs[l])] for l in labels)
    return seq, labels


def to_kmers(seq, k=K):
    return " ".join(seq[i:i + k] for i in range(len(seq) - k + 1))


def kmer_labels(base_labels, k=K):
    centre = k // 2
    return [int(base_labels[i + centre]) for i in range(len(base_labels) - k + 1)]


class KmerSegmenter(nn.Module):
    def __init__(self, encoder, n_classes, kernel):
        super().__init__()
        self.encoder = encoder
        hid = encoder.config.hidden_size
        self.head = nn.Sequential(
            nn.Conv1d(hid, hid, kernel_size=kernel, padding=kernel // 2),
            nn.GELU(),
            nn.Conv1d(hid, n_classes, kernel_size=1),
        )

    def forward(self, input_ids, attention_mask):
        h = self.encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
        return self.head(h.transpose(1, 2)).transpose(1, 2)


def batches(enc, labels, bs, rng):
    order = rng.permutation(len(labels))
    for s in range(0, len(order), bs):
        idx = order[s:s + bs]
        yield {
            "input_ids": enc["input_ids"][idx],
            "attention_mask": enc["attention_mask"][idx],
            "labels": labels[idx],
        }


def main():
    cfg = TrainCfg()
    rng = np.random.default_rng(11)
    torch.manual_seed(11)

    vocab_size = write_kmer_vocab(VOCAB_PATH, K)
    tokenizer = BertTokenizer(VOCAB_PATH, do_lower_case=False)

    seqs, base_labels = zip(*(simulate_region(rng) for _ in range(N_SEQS)))
    kmer_texts = [to_kmers(s) for s in seqs]
    n_kmers = SEQ_BP - K + 1
    max_len = n_kmers + 2

    enc = tokenizer(kmer_texts, padding="max_length", max_length=max_len,
                    truncation=True, return_tensors="pt")
    tok_labels = torch.full((N_SEQS, max_len), -100, dtype=torch.long)
    for i, bl in enumerate(base_labels):
        tok_labels[i, 1:1 + n_kmers] = torch.tensor(kmer_labels(bl))

    config = BertConfig(
        vocab_size=vocab_size,
        hidden_size=cfg.hidden,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=128,
        pad_token_id=tokenizer.pad_token_id,
    )
    model = KmerSegmenter(BertModel(config, add_pooling_layer=False), len(REGION_CLASSES), cfg.head_kernel)
    opt = torch.optim.Adam(model.parameters(), lr=cfg.lr)
    class_w = torch.tensor([1.0, 2.0, 1.5])

    for epoch in range(cfg.epochs):
        model.train()
        losses = []
        for batch in batches(enc, tok_labels, cfg.batch_size, rng):
            logits = model(batch["input_ids"], batch["attention_mask"])
            loss = F.cross_entropy(logits, batch["labels"], weight=class_w, ignore_index=-100)
            opt.zero_grad()
            loss.backward()
            opt.step()
            losses.append(loss.item())
        print(f"epoch {epoch} loss {np.mean(losses):.4f}")

    model.eval()
    with torch.no_grad():
        logits = model(enc["input_ids"], enc["attention_mask"])
        pred = logits.argmax(dim=1)
        mask = tok_labels != -100
        for c, name in enumerate(REGION_CLASSES):
            sel = mask & (tok_labels == c)
            acc = (pred[sel] == c).float().mean().item()
            print(f"{name:>10s}: recall {acc:.3f} over {int(sel.sum())} k-mers")


if __name__ == "__main__":
    main()
