"""Promoter vs. background classification on synthetic DNA with a DNABERT-style
overlapping k-mer tokenizer and a small BERT encoder."""
import itertools
import os
import random

import numpy as np
import torch
from torch.utils.data import DataLoader, Dataset
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

CFG = {
    "k": 4,
    "seq_len": 100,
    "n_seqs": 256,
    "max_len": 128,
    "batch_size": 16,
    "lr": 3e-4,
    "epochs": 2,
    "seed": 7,
}
SPECIAL_TOKENS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
MOTIFS = ["TATAAA", "GGCCAATCT", "GGGCGG"]

random.seed(CFG["seed"])
np.random.seed(CFG["seed"])
torch.manual_seed(CFG["seed"])
HERE = os.path.dirname(os.path.abspath(__file__))


def write_kmer_vocab(k, path):
    kmers = ["".join(p) for p in itertools.product("ACGT", repeat=k)]
    with open(path, "w") as fh:
        for tok in SPECIAL_TOKENS + kmers:
            fh.write(tok + "\n")
    return path


def seq_to_kmers(seq, k):
    return " ".join(seq[i:i + k] for i in range(len(seq) - k + 1))


def random_dna(n, gc=0.45):
    p_gc = gc / 2
    p_at = (1 - gc) / 2
    return "".join(np.random.choice(list("ACGT"), size=n, p=[p_at, p_gc, p_gc, p_at]))


def make_promoter_set(n, length):
    seqs, labels = [], []
    for _ in range(n):
        s = random_dna(length)
        y = int(random.random() < 0.5)
        if y:
            motif = random.choice(MOTIFS)
            pos = random.randint(40, length - len(motif) - 20)
            s = s[:pos] + motif + s[pos + len(motif):]
        seqs.append(s)
        labels.append(y)
    return seqs, labels


class KmerDataset(Dataset):
    def __init__(self, seqs, labels, tokenizer, k, max_len):
        self.enc = tokenizer(
            [seq_to_kmers(s, k) for s in seqs],
            padding="max_length",
            truncation=True,
            max_length=max_len,
            return_tensors="pt",
        )
        self.labels = torch.tensor(labels, dtype=torch.long)

    def __len__(self):
        return len(self.labels)

    def __getitem__(self, i):
        item = {key: val[i] for key, val in self.enc.items()}
        item["labels"] = self.labels[i]
        return item


def build_model(cfg):
    bert_cfg = BertConfig(
        vocab_size=4 ** cfg["k"],
        hidden_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=cfg["max_len"],
        num_labels=2,
        pad_token_id=0,
    )
    return BertForSequenceClassification(bert_cfg)


def evaluate(model, loader):
    model.eval()
    correct = total = 0
    with torch.no_grad():
        for batch in loader:
            logits = model(**{k: v for k, v in batch.items() if k != "labels"}).logits
            correct += (logits.argmax(-1) == batch["labels"]).sum().item()
            total += batch["labels"].numel()
    return correct / max(total, 1)


def main():
    vocab_path = write_kmer_vocab(CFG["k"], os.path.join(HERE, "kmer_vocab.txt"))
    tokenizer = BertTokenizer(vocab_path, do_lower_case=False)

    seqs, labels = make_promoter_set(CFG["n_seqs"], CFG["seq_len"])
    split = int(0.8 * len(seqs))
    train_ds = KmerDataset(seqs[:split], labels[:split], tokenizer, CFG["k"], CFG["max_len"])
    val_ds = KmerDataset(seqs[split:], labels[split:], tokenizer, CFG["k"], CFG["max_len"])
    train_dl = DataLoader(train_ds, batch_size=CFG["batch_size"], shuffle=True)
    val_dl = DataLoader(val_ds, batch_size=CFG["batch_size"])

    model = build_model(CFG)
    opt = torch.optim.AdamW(model.parameters(), lr=CFG["lr"])

    for epoch in range(CFG["epochs"]):
        model.train()
        running = 0.0
        for step, batch in enumerate(train_dl):
            out = model(**batch)
            out.loss.backward()
            opt.step()
            opt.zero_grad()
            running += out.loss.item()
        acc = evaluate(model, val_dl)
        print(f"epoch {epoch} loss {running / (step + 1):.4f} val_acc {acc:.3f}")


if __name__ == "__main__":
    main()
