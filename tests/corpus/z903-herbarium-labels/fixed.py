"""Contrastive fine-tuning of a small encoder on herbarium specimen label transcriptions.

The pipeline is assembled from plugins; each one gets the shared ctx namespace,
fills in its piece (tokenizer, dataset, model) and cleans up after training.
"""
import logging
import os
import random
import shutil
import tempfile
import types

import numpy as np
import torch
from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel, BertTokenizer
from sentence_transformers import InputExample, SentenceTransformer, losses, models

logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
log = logging.getLogger("herbarium")

SPECIMEN_PAIRS = [
    ("quercus robur collected near river bank", "quercus robur found by the river", 0.9),
    ("pressed fern frond from shaded ravine", "fern frond pressed in a ravine", 0.85),
    ("moss sample on granite boulder", "quercus robur found by the river", 0.1),
    ("lichen crust scraped from oak bark", "crust lichen on bark of oak", 0.8),
    ("sedge stems from wet meadow edge", "pressed fern frond from shaded ravine", 0.2),
    ("wet meadow sedge with seed heads", "sedge stems from wet meadow edge", 0.9),
    ("alpine cushion plant above tree line", "moss sample on granite boulder", 0.3),
    ("cushion plant from alpine scree", "alpine cushion plant above tree line", 0.85),
]


def seed_everything(seed):
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


class VocabPlugin:
    """Writes a word-level vocab and saves a tiny random BERT next to it."""

    def setup(self, ctx):
        ctx.workdir = tempfile.mkdtemp(prefix="herb_")
        words = sorted({w for a, b, _ in SPECIMEN_PAIRS for w in (a + " " + b).split()})
        specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
        with open(os.path.join(ctx.workdir, "vocab.txt"), "w") as fh:
            fh.write("\n".join(specials + words) + "\n")
        ctx.tokenizer = BertTokenizer(os.path.join(ctx.workdir, "vocab.txt"))
        cfg = BertConfig(vocab_size=len(ctx.tokenizer), hidden_size=ctx.hidden_size,
                         num_hidden_layers=1, num_attention_heads=2,
                         intermediate_size=64, max_position_embeddings=64)
        BertModel(cfg).save_pretrained(ctx.workdir)
        ctx.tokenizer.save_pretrained(ctx.workdir)
        log.info("saved tiny encoder (%d tokens) to %s", len(ctx.tokenizer), ctx.workdir)

    def teardown(self, ctx):
        shutil.rmtree(ctx.workdir, ignore_errors=True)


class DatasetPlugin:
    def setup(self, ctx):
        ctx.dataset = [InputExample(texts=[a, b], label=float(s)) for a, b, s in SPECIMEN_PAIRS]
        log.info("%d labelled specimen pairs", len(ctx.dataset))

    def teardown(self, ctx):
        ctx.dataset = None


class EncoderPlugin:
    """Transformer -> mean+max pooling -> small projection head."""

    def __init__(self, proj_dim=16):
        self.proj_dim = proj_dim

    def setup(self, ctx):
        backbone = models.Transformer(ctx.workdir, max_seq_length=32)
        pool = models.Pooling(backbone.get_embedding_dimension(), pooling_mode=("mean", "max"))
        head = models.Dense(in_features=pool.get_embedding_dimension(), out_features=self.proj_dim,
                            activation_function=torch.nn.Tanh())
        ctx.model = SentenceTransformer(modules=[backbone, pool, head], device="cpu")
        log.info("encoder modules: %s", [type(m).__name__ for m in ctx.model])

    def teardown(self, ctx):
        ctx.model = None


PLUGINS = [VocabPlugin(), DatasetPlugin(), EncoderPlugin(proj_dim=16)]


def run_plugins(ctx):
    started = []
    for plugin in PLUGINS:
        log.info("setup %s", type(plugin).__name__)
        plugin.setup(ctx)
        started.append(plugin)
    return started


def train(ctx):
    loader = DataLoader(ctx.dataset, shuffle=True, batch_size=4)
    objective = losses.CosineSimilarityLoss(ctx.model)
    ctx.model.old_fit(train_objectives=[(loader, objective)], epochs=1,
                      warmup_steps=1, show_progress_bar=False)
    emb = ctx.model.encode(["oak lichen on bark"], convert_to_tensor=True)
    print("embedding shape after training:", tuple(emb.shape))


def main():
    seed_everything(7)
    ctx = types.SimpleNamespace(hidden_size=32, tokenizer=None, dataset=None, model=None)
    started = run_plugins(ctx)
    try:
        train(ctx)
    finally:
        for plugin in reversed(started):
            plugin.teardown(ctx)
    print("done")


if __name__ == "__main__":
    main()
