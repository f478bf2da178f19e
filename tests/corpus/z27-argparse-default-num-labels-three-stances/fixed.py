"""Stance detection (favor / against / none) for tweets about a policy.

usage: python case.py [--hidden-size 32] [--epochs 2] [--num-labels 3] [--lr 3e-4]
"""
import argparse
import os
import tempfile

os.environ.setdefault("HF_HUB_OFFLINE", "1")
import numpy as np
import torch
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

TWEETS = [
    ("we need this policy now", "FAVOR"), ("this policy will ruin us", "AGAINST"),
    ("watching the debate tonight", "NONE"), ("finally a policy that helps", "FAVOR"),
    ("vote no on this mess", "AGAINST"), ("anyone else watching tonight", "NONE"),
    ("proud to support this", "FAVOR"), ("a terrible idea for us", "AGAINST"),
]


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--hidden-size", type=int, default=32)
    parser.add_argument("--layers", type=int, default=1)
    parser.add_argument("--num-labels", type=int, default=3)
    parser.add_argument("--batch-size", type=int, default=4)
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--lr", type=float, default=3e-4)
    parser.add_argument("--seed", type=int, default=42)
    return parser.parse_args()


def make_tokenizer(texts):
    folder = tempfile.mkdtemp()
    words = sorted({w for t in texts for w in t.split()})
    with open(os.path.join(folder, "vocab.txt"), "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return BertTokenizer(os.path.join(folder, "vocab.txt"))


def main(args):
    torch.manual_seed(args.seed)
    texts = [t for t, _ in TWEETS]
    classes, y = np.unique([s for _, s in TWEETS], return_inverse=True)
    print("classes:", list(classes))
    tokenizer = make_tokenizer(texts)
    config = BertConfig(vocab_size=len(tokenizer), hidden_size=args.hidden_size, num_hidden_layers=args.layers,
                        num_attention_heads=2, intermediate_size=4 * args.hidden_size,
                        max_position_embeddings=64, num_labels=args.num_labels)
    model = BertForSequenceClassification(config)
    optimizer = torch.optim.AdamW(model.parameters(), lr=args.lr)
    order = np.random.default_rng(args.seed).permutation(len(texts))
    for epoch in range(args.epochs):
        for start in range(0, len(order), args.batch_size):
            idx = order[start:start + args.batch_size]
            enc = tokenizer([texts[i] for i in idx], padding=True, return_tensors="pt")
            labels = torch.from_numpy(y[idx])
            loss = model(**enc, labels=labels).loss
            loss.backward()
            optimizer.step()
            optimizer.zero_grad()
        print(f"epoch {epoch}: loss={loss.item():.4f}")


if __name__ == "__main__":
    main(parse_args())
