"""Bi-encoder that matches customs declaration lines to tariff heading text.

Tiny BERT from scratch, wrapped in sentence-transformers. HS heading codes are
kept as whole tokens so the encoder sees them as single units.
"""
import os
import random
import tempfile

import numpy as np
import torch
from sentence_transformers import InputExample, SentenceTransformer, losses, models
from sentence_transformers.evaluation import EmbeddingSimilarityEvaluator
from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel, BertTokenizer

random.seed(21)
np.random.seed(21)
torch.manual_seed(21)

SPECIALS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
HS_CODES = ["hs8471", "hs6109", "hs0901", "hs8517", "hs9403"]

PAIRS = [
    ("laptop computers with 16gb memory", "hs8471 automatic data processing machines", 0.95),
    ("cotton crew neck t shirts", "hs6109 t shirts singlets knitted", 0.9),
    ("green arabica coffee beans unroasted", "hs0901 coffee not roasted", 0.95),
    ("smartphones with dual sim", "hs8517 telephone sets for cellular networks", 0.9),
    ("flat pack oak office desks", "hs9403 other furniture and parts", 0.85),
    ("laptop computers with 16gb memory", "hs0901 coffee not roasted", 0.05),
    ("cotton crew neck t shirts", "hs8517 telephone sets for cellular networks", 0.0),
    ("flat pack oak office desks", "hs6109 t shirts singlets knitted", 0.1),
]


class Tracker:
    def __init__(self, name):
        self.name = name
        self.params = {}
        self.scores = []

    def log_params(self, **kw):
        self.params.update(kw)

    def get(self, key):
        return self.params[key]

    def on_eval(self, score, epoch, steps):
        self.scores.append((epoch, steps, score))
        print(f"[{self.name}] epoch {epoch} step {steps} spearman={score:.4f}")


def build_base_vocab():
    words = set()
    for a, b, _ in PAIRS:
        words.update(w for w in (a + " " + b).split() if w not in HS_CODES)
    return SPECIALS + sorted(words)


def export_encoder(tracker, vocab, folder):
    with open(os.path.join(folder, "vocab.txt"), "w") as fh:
        fh.write("\n".join(vocab) + "\n")
    BertTokenizer(os.path.join(folder, "vocab.txt")).save_pretrained(folder)
    cfg = BertConfig(vocab_size=tracker.get("vocab_size"), hidden_size=tracker.get("hidden"),
                     num_hidden_layers=tracker.get("layers"), num_attention_heads=tracker.get("heads"),
                     intermediate_size=tracker.get("ffn"), max_position_embeddings=tracker.get("max_pos"))
    BertModel(cfg).save_pretrained(folder)


def main():
    tracker = Tracker("tariff-biencoder")
    vocab = build_base_vocab()
    # keep heading codes unsplit
    vocab = vocab + HS_CODES
    tracker.log_params(vocab_size=len(vocab), hidden=32, layers=1, heads=2, ffn=64, max_pos=64,
                       max_seq_len=32, batch_size=4, epochs=2, lr=1e-3)

    model_dir = tempfile.mkdtemp()
    export_encoder(tracker, vocab, model_dir)
    print("params:", tracker.params)

    word_emb = models.Transformer(model_dir, max_seq_length=tracker.get("max_seq_len"))
    pooling = models.Pooling(word_emb.get_word_embedding_dimension(), pooling_mode="mean")
    encoder = SentenceTransformer(modules=[word_emb, pooling], device="cpu")

    examples = [InputExample(texts=[a, b], label=float(s)) for a, b, s in PAIRS]
    loader = DataLoader(examples, shuffle=True, batch_size=tracker.get("batch_size"))
    objective = losses.CosineSimilarityLoss(encoder)
    dev_eval = EmbeddingSimilarityEvaluator([a for a, _, _ in PAIRS], [b for _, b, _ in PAIRS],
                                            [s for _, _, s in PAIRS], name="dev")

    encoder.old_fit(train_objectives=[(loader, objective)], evaluator=dev_eval,
                    epochs=tracker.get("epochs"), warmup_steps=1,
                    optimizer_params={"lr": tracker.get("lr")}, callback=tracker.on_eval,
                    show_progress_bar=False)

    emb = encoder.encode(["used laptop computers", "hs8471 automatic data processing machines"])
    print("query/heading cosine:", float(np.dot(emb[0], emb[1]) / np.linalg.norm(emb[0]) / np.linalg.norm(emb[1])))
    print("eval history:", tracker.scores)


if __name__ == "__main__":
    main()
