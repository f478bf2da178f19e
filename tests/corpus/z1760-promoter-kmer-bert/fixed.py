"""Promoter vs. background classifier on overlapping 4-mer tokens (DNABERT-style).

Windows are taken around annotated TSSs (-250 .. +50), background windows from
intergenic regions. A small BERT is trained from scratch on the k-mer sentences.
"""
import itertools
import os
import random
import tempfile

import torch
from torch.utils.data import DataLoader, Dataset
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

random.seed(7)
torch.manual_seed(7)

KMER = 4
UPSTREAM, DOWNSTREAM = 250, 50
MAX_TOKENS = 256
BATCH = 8
NUCS = "ACGT"


def write_kmer_vocab(folder, k):
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    kmers = ["".join(p) for p in itertools.product(NUCS, repeat=k)]
    path = os.path.join(folder, f"vocab_{k}mer.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(specials + kmers) + "\n")
    return path


def seq_to_kmers(seq, k):
    return " ".join(seq[i:i + k] for i in range(len(seq) - k + 1))


def random_dna(n):
    return "".join(random.choice(NUCS) for _ in range(n))


def make_promoter_window():
    upstream = random_dna(UPSTREAM)
    # TATA box roughly 30 bp upstream of the TSS, Inr element at +1
    tata_at = UPSTREAM - 31
    upstream = upstream[:tata_at] + "TATAAAAG" + upstream[tata_at + 8:]
    return upstream + "TCAGTT" + random_dna(DOWNSTREAM - 6)


def make_background_window():
    return random_dna(UPSTREAM + DOWNSTREAM)


class PromoterWindows(Dataset):
    def __init__(self, n_each):
        self.records = [(make_promoter_window(), 1) for _ in range(n_each)]
        self.records += [(make_background_window(), 0) for _ in range(n_each)]
        random.shuffle(self.records)

    def __len__(self):
        return len(self.records)

    def __getitem__(self, idx):
        return self.records[idx]


def build_collate(tokenizer):
    def collate(batch):
        windows, is_promoter = zip(*batch)
        sentences = [seq_to_kmers(w, KMER) for w in windows]
        enc = tokenizer(
            sentences,
            padding="max_length",
            max_length=MAX_TOKENS,
            truncation=True,
            return_tensors="pt",
        )
        enc["labels"] = torch.tensor(is_promoter, dtype=torch.long)
        return enc
    return collate


def train(model, loader, epochs=1, lr=3e-4):
    opt = torch.optim.AdamW(model.parameters(), lr=lr)
    model.train()
    for epoch in range(epochs):
        running = 0.0
        for step, batch in enumerate(loader):
            out = model(**batch)
            out.loss.backward()
            opt.step()
            opt.zero_grad()
            running += out.loss.item()
        print(f"epoch {epoch} mean loss {running / (step + 1):.4f}")


@torch.no_grad()
def evaluate(model, loader):
    model.eval()
    hits, total = 0, 0
    for batch in loader:
        pred = model(**batch).logits.argmax(-1)
        hits += (pred == batch["labels"]).sum().item()
        total += batch["labels"].numel()
    return hits / total


def main():
    workdir = tempfile.mkdtemp(prefix="promoter_")
    vocab_path = write_kmer_vocab(workdir, KMER)
    tokenizer = BertTokenizer(vocab_path, do_lower_case=False)

    config = BertConfig(
        vocab_size=tokenizer.vocab_size,
        hidden_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=MAX_TOKENS,
        num_labels=2,
    )
    model = BertForSequenceClassification(config)

    collate = build_collate(tokenizer)
    train_loader = DataLoader(PromoterWindows(4), batch_size=BATCH, shuffle=True, collate_fn=collate)
    valid_loader = DataLoader(PromoterWindows(4), batch_size=BATCH, collate_fn=collate)

    train(model, train_loader)
    print(f"validation accuracy {evaluate(model, valid_loader):.3f}")


if __name__ == "__main__":
    main()
