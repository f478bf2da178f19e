import os
import itertools
from dataclasses import dataclass, field

import numpy as np
import torch
from torch.utils.data import Dataset, DataLoader
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

HERE = os.path.dirname(os.path.abspath(__file__))
K = 4
SEED = 7


@dataclass
class ModelArgs:
    hidden_size: int = 32
    num_hidden_layers: int = 1
    num_attention_heads: int = 2
    intermediate_size: int = 64
    max_position_embeddings: int = 128
    type_vocab_size: int = 2
    num_labels: int = 2


@dataclass
class TrainArgs:
    batch_size: int = 8
    lr: float = 3e-4
    epochs: int = 2
    max_length: int = 96
    n_pairs: int = 64
    special: list = field(default_factory=lambda: ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"])


def write_kmer_vocab(path, k, specials):
    kmers = ["".join(p) for p in itertools.product("ACGT", repeat=k)]
    with open(path, "w") as fh:
        for tok in specials + kmers:
            fh.write(tok + "\n")
    return len(specials) + len(kmers)


def to_kmers(seq, k=K):
    return " ".join(seq[i:i + k] for i in range(len(seq) - k + 1))


def simulate_pairs(n, rng):
    motif = "TATAAA"
    promoters, enhancers, labels = [], [], []
    for _ in range(n):
        p = "".join(rng.choice(list("ACGT"), size=40))
        e = "".join(rng.choice(list("ACGT"), size=30))
        y = int(rng.random() < 0.5)
        if y:
            pos = rng.integers(0, 30 - len(motif))
            e = e[:pos] + motif + e[pos + len(motif):]
        promoters.append(p)
        enhancers.append(e)
        labels.append(y)
    return promoters, enhancers, np.array(labels)


class EnhancerPromoterPairs(Dataset):
    def __init__(self, tokenizer, promoters, enhancers, labels, max_length):
        self.enc = tokenizer(
            [to_kmers(p) for p in promoters],
            [to_kmers(e) for e in enhancers],
            padding="max_length",
            truncation=True,
            max_length=max_length,
            return_tensors="pt",
        )
        self.labels = torch.as_tensor(labels, dtype=torch.long)

    def __len__(self):
        return len(self.labels)

    def __getitem__(self, i):
        item = {k: v[i] for k, v in self.enc.items()}
        item["labels"] = self.labels[i]
        return item


def build_model(vocab_size, margs):
    cfg = BertConfig(
        vocab_size=vocab_size,
        hidden_size=margs.hidden_size,
        num_hidden_layers=margs.num_hidden_layers,
        num_attention_heads=margs.num_attention_heads,
        intermediate_size=margs.intermediate_size,
        max_position_embeddings=margs.max_position_embeddings,
        type_vocab_size=margs.type_vocab_size,
        num_labels=margs.num_labels,
    )
    return BertForSequenceClassification(cfg)


def train(model, loader, targs):
    opt = torch.optim.AdamW(model.parameters(), lr=targs.lr)
    model.train()
    for epoch in range(targs.epochs):
        total, n = 0.0, 0
        for batch in loader:
            out = model(**batch)
            opt.zero_grad()
            out.loss.backward()
            opt.step()
            total += out.loss.item() * batch["labels"].size(0)
            n += batch["labels"].size(0)
        print(f"epoch {epoch}: loss {total / n:.4f}")


@torch.no_grad()
def evaluate(model, loader):
    model.eval()
    correct = 0
    seen = 0
    for batch in loader:
        logits = model(**{k: v for k, v in batch.items() if k != "labels"}).logits
        correct += (logits.argmax(-1) == batch["labels"]).sum().item()
        seen += batch["labels"].numel()
    return correct / max(seen, 1)


def main():
    torch.manual_seed(SEED)
    rng = np.random.default_rng(SEED)
    margs, targs = ModelArgs(), TrainArgs()

    vocab_path = os.path.join(HERE, f"vocab_{K}mer.txt")
    vocab_size = write_kmer_vocab(vocab_path, K, targs.special)
    tokenizer = BertTokenizer(vocab_path, do_lower_case=False)
    print(f"vocab: {vocab_size} tokens ({K}-mers + specials)")

    prom, enh, y = simulate_pairs(targs.n_pairs, rng)
    split = int(0.75 * len(y))
    train_ds = EnhancerPromoterPairs(tokenizer, prom[:split], enh[:split], y[:split], targs.max_length)
    val_ds = EnhancerPromoterPairs(tokenizer, prom[split:], enh[split:], y[split:], targs.max_length)
    print("example tokens:", tokenizer.convert_ids_to_tokens(train_ds[0]["input_ids"][:8].tolist()))

    train_loader = DataLoader(train_ds, batch_size=targs.batch_size, shuffle=True)
    val_loader = DataLoader(val_ds, batch_size=targs.batch_size)

    model = build_model(vocab_size, margs)
    train(model, train_loader, targs)
    print(f"val acc: {evaluate(model, val_loader):.3f}")


if __name__ == "__main__":
    main()
