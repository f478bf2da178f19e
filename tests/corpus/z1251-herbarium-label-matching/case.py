#!/usr/bin/env python
"""Train a tiny sentence embedder to match duplicate herbarium specimen labels across collections."""
import argparse
import os
import random
import tempfile
from collections import Counter

import numpy as np
import torch
from torch.utils.data import DataLoader
from sentence_transformers import InputExample, SentenceTransformer, losses, models
from transformers import BertConfig, BertModel, BertTokenizer

SPECIALS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]

# (label from collection A, label from collection B, same gathering?)
LABEL_PAIRS = [
    ("quercus robur collected on chalk downland near old quarry, leaves lobed",
     "quercus robur, oak on chalky down by disused quarry", 1.0),
    ("salix caprea in wet alder carr beside river, catkins silver",
     "goat willow salix caprea river carr with alder, catkins present", 1.0),
    ("drosera rotundifolia on sphagnum bog pool margin, acid peat",
     "round leaved sundew among sphagnum at bog pool edge", 1.0),
    ("orchis mascula under hazel coppice, flowers purple, early spring",
     "early purple orchid in coppiced hazel woodland", 1.0),
    ("armeria maritima on sea cliff ledge, salt spray, pink heads",
     "thrift growing on coastal cliff ledges with pink flowers", 1.0),
    ("saxifraga oppositifolia on limestone scree at high altitude",
     "purple saxifrage on upland scree, calcareous rock", 1.0),
    ("quercus robur collected on chalk downland near old quarry, leaves lobed",
     "drosera rotundifolia mixed with cotton grass on blanket mire", 0.0),
    ("salix caprea in wet alder carr beside river, catkins silver",
     "thrift growing on coastal cliff ledges with pink flowers", 0.0),
    ("orchis mascula under hazel coppice, flowers purple, early spring",
     "purple saxifrage on upland scree, calcareous rock", 0.0),
    ("armeria maritima on sea cliff ledge, salt spray, pink heads",
     "goat willow salix caprea river carr with alder, catkins present", 0.0),
    ("saxifraga oppositifolia on limestone scree at high altitude",
     "early purple orchid in coppiced hazel woodland", 0.0),
    ("drosera rotundifolia on sphagnum bog pool margin, acid peat",
     "quercus robur, oak on chalky down by disused quarry", 0.0),
]


def seed_all(seed):
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def words_of(text):
    return text.replace(",", " ").lower().split()


def write_vocab(folder, max_vocab=80, **_):
    counts = Counter(w for a, b, _ in LABEL_PAIRS for w in words_of(a) + words_of(b))
    keep = [w for w, _ in counts.most_common(max_vocab)]
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(SPECIALS + keep) + "\n")
    print(f"vocab: {len(keep)} words kept out of {len(counts)}")
    return path


def save_backbone(folder, vocab_path, max_vocab=80, hidden=32, max_seq_len=48, **_):
    tok = BertTokenizer(vocab_path)
    cfg = BertConfig(vocab_size=max_vocab, hidden_size=hidden, num_hidden_layers=1,
                     num_attention_heads=2, intermediate_size=hidden * 2,
                     max_position_embeddings=max(64, max_seq_len))
    out = os.path.join(folder, "backbone")
    BertModel(cfg).save_pretrained(out)
    tok.save_pretrained(out)
    return out


def assemble(backbone_dir, max_seq_len=48, pooling="mean", **_):
    word = models.Transformer(backbone_dir, max_seq_length=max_seq_len)
    pool = models.Pooling(word.get_word_embedding_dimension(), pooling_mode=pooling)
    return SentenceTransformer(modules=[word, pool], device="cpu")


def train(args):
    seed_all(args.seed)
    opts = vars(args)
    workdir = tempfile.mkdtemp(prefix="herbarium_")
    backbone = save_backbone(workdir, write_vocab(workdir, **opts), **opts)
    model = assemble(backbone, **opts)

    examples = [InputExample(texts=[a, b], label=s) for a, b, s in LABEL_PAIRS]
    loader = DataLoader(examples, shuffle=True, batch_size=args.batch_size)
    loss_fn = losses.CosineSimilarityLoss(model)
    print(f"{len(examples)} label pairs, {args.epochs} epoch(s)")
    model.old_fit(train_objectives=[(loader, loss_fn)], epochs=args.epochs, warmup_steps=2,
                  optimizer_params={"lr": args.lr}, show_progress_bar=False)

    probe = model.encode([LABEL_PAIRS[0][0], LABEL_PAIRS[0][1]], convert_to_tensor=True)
    print("cosine of first duplicate pair:",
          float(torch.nn.functional.cosine_similarity(probe[0], probe[1], dim=0)))


def evaluate(args):
    model = SentenceTransformer(args.model_dir, device="cpu")
    print("loaded", model)


def cli():
    ap = argparse.ArgumentParser(prog="herbarium-match")
    sub = ap.add_subparsers(dest="cmd", required=True)
    t = sub.add_parser("train")
    t.add_argument("--max-vocab", type=int, default=80, help="most frequent words to keep")
    t.add_argument("--hidden", type=int, default=32)
    t.add_argument("--max-seq-len", type=int, default=48)
    t.add_argument("--pooling", default="mean", choices=["mean", "cls", "max"])
    t.add_argument("--batch-size", type=int, default=4)
    t.add_argument("--epochs", type=int, default=1)
    t.add_argument("--lr", type=float, default=1e-3)
    t.add_argument("--seed", type=int, default=11)
    t.set_defaults(func=train)
    e = sub.add_parser("evaluate")
    e.add_argument("--model-dir", required=True)
    e.set_defaults(func=evaluate)
    return ap


def main(argv):
    args = cli().parse_args(argv)
    args.func(args)


if __name__ == "__main__":
    main(["train", "--max-seq-len", "40", "--epochs", "2", "--batch-size", "4"])
