"""Promoter vs. background classification with a DNABERT-style 6-mer tokenizer.

Writes its own k-mer vocab, simulates promoter-like sequences (TATA box + GC-rich
upstream) and shuffled background, and trains a tiny BERT from scratch.
"""
import itertools
import os
import random

import numpy as np
import torch
from torch.utils.data import DataLoader, Dataset
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

K = 6
MAX_LEN = 128
BATCH = 16
HERE = os.path.dirname(os.path.abspath(__file__))
VOCAB_FILE = os.path.join(HERE, "vocab_6mer.txt")

random.seed(11)
np.random.seed(11)
torch.manual_seed(11)


def write_kmer_vocab(path, k):
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    kmers = ["".join(p) for p in itertools.product("ACGT", repeat=k)]
    with open(path, "w") as fh:
        fh.write("\n".join(specials + kmers) + "\n")


def seq_to_kmers(seq, k=K):
    return " ".join(seq[i:i + k] for i in range(len(seq) - k + 1))


def random_seq(n, gc=0.5):
    p = [(1 - gc) / 2, gc / 2, gc / 2, (1 - gc) / 2]
    return "".join(np.random.choice(list("ACGT"), size=n, p=p))


def make_promoter(n):
    tata_pos = random.randint(n // 2, n - 20)
    s = random_seq(tata_pos, gc=0.65) + "TATAAA" + random_seq(n - tata_pos - 6, gc=0.45)
    return s[:n]


def build_examples(n_each):
    out = []
    for _ in range(n_each):
        L = random.randint(70, 120)
        out.append((make_promoter(L), 1))
        out.append((random_seq(random.randint(70, 120)), 0))
    random.shuffle(out)
    return out


class KmerDataset(Dataset):
    def __init__(self, examples, tokenizer):
        self.items = []
        for seq, label in examples:
            enc = tokenizer(seq_to_kmers(seq), max_length=MAX_LEN, padding="max_length",
                            truncation=True)
            n_tok = sum(enc["attention_mask"])
            self.items.append((enc["input_ids"], n_tok, label))

    def __len__(self):
        return len(self.items)

    def __getitem__(self, idx):
        return self.items[idx]


def collate(batch):
    ids, lengths, labels = zip(*batch)
    input_ids = torch.tensor(ids, dtype=torch.long)
    lengths = torch.tensor(lengths)
    attention_mask = (torch.arange(lengths.max())[None, :] < lengths[:, None]).long()
    return {"input_ids": input_ids, "attention_mask": attention_mask,
            "labels": torch.tensor(labels)}


def evaluate(model, loader):
    model.eval()
    hits = n = 0
    with torch.no_grad():
        for batch in loader:
            pred = model(**batch).logits.argmax(-1)
            hits += (pred == batch["labels"]).sum().item()
            n += len(pred)
    return hits / n


def main():
    write_kmer_vocab(VOCAB_FILE, K)
    tokenizer = BertTokenizer(VOCAB_FILE, do_lower_case=False)

    examples = build_examples(120)
    split = int(0.8 * len(examples))
    train_ds = KmerDataset(examples[:split], tokenizer)
    val_ds = KmerDataset(examples[split:], tokenizer)
    train_dl = DataLoader(train_ds, batch_size=BATCH, shuffle=True, collate_fn=collate)
    val_dl = DataLoader(val_ds, batch_size=BATCH, collate_fn=collate)

    config = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=1,
                        num_attention_heads=2, intermediate_size=64,
                        max_position_embeddings=MAX_LEN, num_labels=2,
                        pad_token_id=tokenizer.pad_token_id)
    model = BertForSequenceClassification(config)
    opt = torch.optim.AdamW(model.parameters(), lr=3e-4, weight_decay=0.01)

    for epoch in range(2):
        model.train()
        for step, batch in enumerate(train_dl):
            loss = model(**batch).loss
            opt.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
        print(f"epoch {epoch} last loss {loss.item():.4f} val acc {evaluate(model, val_dl):.3f}")

    os.remove(VOCAB_FILE)


if __name__ == "__main__":
    main()
