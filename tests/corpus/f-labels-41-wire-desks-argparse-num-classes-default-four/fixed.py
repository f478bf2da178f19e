"""Fine-tune a small BERT to sort newsroom wire items into desks."""
import argparse
import os
import tempfile

import torch
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

CLASS_NAMES = ["politics", "sports", "business", "science", "culture"]
WIRE = [
    ("striker signs three year deal with the champions", "sports"),
    ("central bank holds interest rates steady", "business"),
    ("telescope spots water vapour on distant planet", "science"),
    ("museum reopens with a new sculpture wing", "culture"),
    ("parliament passes the budget after late vote", "politics"),
    ("quarterly profits beat analyst forecasts", "business"),
    ("marathon record falls in windy conditions", "sports"),
    ("festival line up announced for the summer", "culture"),
]


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--num-classes", type=int, default=4)
    parser.add_argument("--batch-size", type=int, default=4)
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--lr", type=float, default=5e-4)
    return parser.parse_args()


def build_tokenizer(texts):
    path = os.path.join(tempfile.mkdtemp(prefix="wire-"), "vocab.txt")
    words = sorted({w for t in texts for w in t.split()})
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return BertTokenizer(path)


def main():
    args = parse_args()
    torch.manual_seed(0)
    texts = [t for t, _ in WIRE]
    labels = torch.tensor([CLASS_NAMES.index(desk) for _, desk in WIRE])
    tokenizer = build_tokenizer(texts)
    config = BertConfig(vocab_size=len(tokenizer), hidden_size=32, num_hidden_layers=2, num_attention_heads=4,
                        intermediate_size=64, max_position_embeddings=32, num_labels=len(CLASS_NAMES))
    model = BertForSequenceClassification(config)
    optimizer = torch.optim.AdamW(model.parameters(), lr=args.lr)
    model.train()
    for epoch in range(args.epochs):
        for start in range(0, len(texts), args.batch_size):
            enc = tokenizer(texts[start:start + args.batch_size], padding=True, truncation=True, max_length=32,
                            return_tensors="pt")
            out = model(**enc, labels=labels[start:start + args.batch_size])
            out.loss.backward()
            optimizer.step()
            optimizer.zero_grad()
        print(f"epoch {epoch}: loss {out.loss.item():.4f}")


if __name__ == "__main__":
    main()
