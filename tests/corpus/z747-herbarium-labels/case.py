"""Fine-tune a tiny sentence encoder to match herbarium sheet transcriptions
against curated catalogue entries (duplicate-specimen detection)."""
import argparse
import logging
import os
import random
import tempfile
from dataclasses import dataclass, field

import numpy as np
import torch
from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel, BertTokenizer
from sentence_transformers import InputExample, SentenceTransformer, losses, models

logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
log = logging.getLogger("herbarium")

WORDS = ("collected by on slope near creek leg det rev sheet no alt m elev meadow forest granite moist "
         "quercus pinus carex salix rosaceae poaceae flowers fruit immature mature abundant rare herb shrub "
         "tree roadside bog north south east west county ridge").split()

PAIRS = [
    ("quercus shrub on granite slope near creek , flowers abundant , collected by leg det rev sheet no 12 "
     "north county ridge alt 900 m elev meadow forest moist roadside bog east west", "quercus shrub granite slope", 0.9),
    ("carex herb in bog , fruit immature , leg det rev sheet no 44 south county moist meadow near creek "
     "alt 300 m elev collected by roadside forest granite slope north east west ridge", "carex herb bog", 0.85),
    ("pinus tree on ridge , forest , rare , collected by leg sheet no 7", "salix shrub near creek", 0.1),
    ("salix shrub near creek , moist roadside , leg det", "salix shrub creek moist", 0.8),
    ("poaceae herb meadow , flowers mature , abundant , sheet no 91 west county", "rosaceae shrub slope", 0.2),
    ("rosaceae shrub on slope , fruit mature , det rev", "rosaceae shrub slope fruit", 0.9),
]


@dataclass
class Experiment:
    model: SentenceTransformer
    examples: list
    workdir: str
    history: list = field(default_factory=list)


def seed_everything(seed):
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def build_base_checkpoint(workdir, max_positions):
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", ",", "m"] + [str(i) for i in range(100)]
    vocab += [w for w in WORDS if w not in vocab]
    with open(os.path.join(workdir, "vocab.txt"), "w") as fh:
        fh.write("\n".join(vocab) + "\n")
    tok = BertTokenizer(os.path.join(workdir, "vocab.txt"))
    cfg = BertConfig(vocab_size=len(vocab), hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                     intermediate_size=64, max_position_embeddings=max_positions)
    BertModel(cfg).save_pretrained(workdir)
    tok.save_pretrained(workdir)
    return workdir


def make_experiment(args):
    seed_everything(args.seed)
    workdir = build_base_checkpoint(tempfile.mkdtemp(prefix="herb_"), args.max_positions)
    # sheets get long with all the collector notes, give the encoder room
    encoder = models.Transformer(workdir, max_seq_length=args.max_seq_len)
    pooling = models.Pooling(encoder.get_word_embedding_dimension(), pooling_mode="mean")
    model = SentenceTransformer(modules=[encoder, pooling], device="cpu")
    examples = [InputExample(texts=[a, b], label=float(s)) for a, b, s in PAIRS]
    log.info("encoder max_seq_length=%d, %d pairs", model.max_seq_length, len(examples))
    return Experiment(model=model, examples=examples, workdir=workdir)


def train(exp, args):
    loader = DataLoader(exp.examples, shuffle=True, batch_size=args.batch_size)
    loss = losses.CosineSimilarityLoss(exp.model)
    exp.model.old_fit(train_objectives=[(loader, loss)], epochs=args.epochs, warmup_steps=0,
                      show_progress_bar=False)
    log.info("training done")
    evaluate(exp, args)


def evaluate(exp, args):
    left = [p[0] for p in PAIRS]
    right = [p[1] for p in PAIRS]
    a = exp.model.encode(left, convert_to_tensor=True, batch_size=args.batch_size, show_progress_bar=False)
    b = exp.model.encode(right, convert_to_tensor=True, batch_size=args.batch_size, show_progress_bar=False)
    sims = torch.nn.functional.cosine_similarity(a, b).tolist()
    for (l, r, gold), s in zip(PAIRS, sims):
        exp.history.append((gold, s))
        print(f"{gold:.2f}  {s:+.3f}  {l[:40]!r} <-> {r!r}")


def run(args):
    exp = make_experiment(args)
    if args.command == "train":
        train(exp, args)
    elif args.command == "evaluate":
        evaluate(exp, args)


def main(argv=None):
    parser = argparse.ArgumentParser(description="herbarium duplicate matcher")
    sub = parser.add_subparsers(dest="command", required=True)
    for name in ("train", "evaluate"):
        p = sub.add_parser(name)
        p.add_argument("--seed", type=int, default=13)
        p.add_argument("--batch-size", type=int, default=3)
        p.add_argument("--epochs", type=int, default=1)
        p.add_argument("--max-positions", type=int, default=32)
        p.add_argument("--max-seq-len", type=int, default=128)
    run(parser.parse_args(argv))


if __name__ == "__main__":
    main(["train"])
