#!/usr/bin/env python
"""Train a small bi-encoder for code search: natural-language query -> code snippet."""
import argparse
import os
import random
import tempfile

import numpy as np
import torch
from sentence_transformers import InputExample, SentenceTransformer, losses, models
from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel, BertTokenizerFast

PAIRS = [
    ("read a json file", "with open(path) as f: data = json.load(f)"),
    ("reverse a list", "items = items[::-1]"),
    ("sort dict by value", "sorted(d.items(), key=lambda kv: kv[1])"),
    ("http get request", "resp = requests.get(url, timeout=10)"),
    ("current timestamp", "now = datetime.now().isoformat()"),
    ("remove duplicates from list", "unique = list(dict.fromkeys(items))"),
    ("write csv rows", "writer = csv.writer(f); writer.writerows(rows)"),
    ("count words in string", "counts = Counter(text.split())"),
    ("join path parts", "full = os.path.join(root, name)"),
    ("parse command line args", "args = parser.parse_args()"),
    ("flatten nested list", "flat = [x for sub in nested for x in sub]"),
    ("check file exists", "if os.path.exists(path): pass"),
]


def parse_args():
    p = argparse.ArgumentParser()
    p.add_argument("--hidden", type=int, default=48)
    p.add_argument("--layers", type=int, default=2)
    p.add_argument("--proj-dim", type=int, default=32)
    p.add_argument("--max-seq-len", type=int, default=32)
    p.add_argument("--batch-size", type=int, default=4)
    p.add_argument("--epochs", type=int, default=2)
    p.add_argument("--seed", type=int, default=42)
    return p.parse_args()


def save_base_encoder(hidden, layers):
    """Write a randomly initialised BERT + tokenizer so models.Transformer can load it from disk."""
    folder = tempfile.mkdtemp(prefix="codesearch-base-")
    chars = sorted({c for q, c in PAIRS for c in (q + c).lower()} - {" "})
    words = sorted({w for q, c in PAIRS for w in (q + " " + c).lower().split()})
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + chars + [w for w in words if w not in chars]
    with open(os.path.join(folder, "vocab.txt"), "w") as fh:
        fh.write("\n".join(vocab) + "\n")
    tokenizer = BertTokenizerFast(os.path.join(folder, "vocab.txt"))
    config = BertConfig(vocab_size=len(vocab), hidden_size=hidden, num_hidden_layers=layers,
                        num_attention_heads=4, intermediate_size=hidden * 2, max_position_embeddings=64)
    BertModel(config).save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    return folder


def build_model(args):
    base_dir = save_base_encoder(args.hidden, args.layers)
    word_emb = models.Transformer(base_dir, max_seq_length=args.max_seq_len)
    # pool the token embeddings into one vector per text
    pooling = models.Pooling(word_emb.get_embedding_dimension(), pooling_mode=("mean", "max"))
    projection = models.Dense(in_features=pooling.get_embedding_dimension(), out_features=args.proj_dim,
                              activation_function=torch.nn.Tanh())
    normalize = models.Normalize()
    return SentenceTransformer(modules=[word_emb, pooling, projection, normalize], device="cpu")


def main():
    args = parse_args()
    random.seed(args.seed)
    np.random.seed(args.seed)
    torch.manual_seed(args.seed)

    model = build_model(args)
    train_examples = [InputExample(texts=[q, code]) for q, code in PAIRS]
    train_loader = DataLoader(train_examples, shuffle=True, batch_size=args.batch_size)
    train_loss = losses.MultipleNegativesRankingLoss(model)

    model.old_fit(
        train_objectives=[(train_loader, train_loss)],
        epochs=args.epochs,
        warmup_steps=2,
        optimizer_params={"lr": 5e-4},
        show_progress_bar=False,
    )

    queries = ["reverse a list", "http get request"]
    q_emb = model.encode(queries, convert_to_tensor=True)
    c_emb = model.encode([c for _, c in PAIRS], convert_to_tensor=True)
    scores = q_emb @ c_emb.T
    for q, row in zip(queries, scores):
        print(f"{q!r} -> {PAIRS[int(row.argmax())][1]!r}")


if __name__ == "__main__":
    main()
