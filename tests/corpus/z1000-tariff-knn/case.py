"""Propagate HS tariff chapters from a few broker-coded manifest lines to the uncoded rest.

Small sentence encoder (tiny BERT, random init, a short contrastive warm-up on the coded lines),
then a k-nearest-neighbour vote over the manifest embeddings.
"""
import logging
import os
import random
import tempfile
from collections import Counter

import torch
from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel, BertTokenizer
from sentence_transformers import InputExample, SentenceTransformer, losses, models

logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
log = logging.getLogger("manifest-knn")

CODED = [  # lines a broker already classified: (description, HS chapter)
    ("frozen atlantic cod fillets skinless", "03"),
    ("live lobsters in seawater crates", "03"),
    ("roasted arabica coffee beans bagged", "09"),
    ("green tea leaves loose packed", "09"),
    ("cotton denim fabric rolls indigo", "52"),
    ("raw cotton bales carded", "52"),
    ("stainless steel bolts hex head", "73"),
    ("cast iron pipe fittings threaded", "73"),
]
UNCODED = [
    "smoked salmon portions vacuum packed",
    "black pepper whole dried",
    "cotton yarn spools unbleached",
    "galvanised steel wire mesh rolls",
    "frozen shrimp peeled deveined",
    "cinnamon sticks ceylon bagged",
    "iron anchor chain links",
]


class Pipeline:
    def __init__(self, k=3, dim=32, seed=7):
        self.k, self.dim, self.seed = k, dim, seed
        random.seed(seed)
        torch.manual_seed(seed)
        self.workdir = tempfile.mkdtemp(prefix="hs_knn_")

    def build_encoder(self):
        words = sorted({w for d, _ in CODED for w in d.split()} | {w for d in UNCODED for w in d.split()})
        with open(os.path.join(self.workdir, "vocab.txt"), "w") as fh:
            fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
        tok = BertTokenizer(os.path.join(self.workdir, "vocab.txt"))
        cfg = BertConfig(vocab_size=len(tok), hidden_size=self.dim, num_hidden_layers=1,
                         num_attention_heads=2, intermediate_size=64, max_position_embeddings=64)
        ckpt = os.path.join(self.workdir, "tiny-bert")
        BertModel(cfg).save_pretrained(ckpt)
        tok.save_pretrained(ckpt)
        word = models.Transformer(ckpt, max_seq_length=32)
        pool = models.Pooling(word.get_word_embedding_dimension(), pooling_mode="mean")
        self.encoder = SentenceTransformer(modules=[word, pool], device="cpu")
        log.info("encoder ready: vocab=%d dim=%d", len(tok), self.dim)
        return self

    def warm_up(self, epochs=2):
        by_chapter = {}
        for desc, ch in CODED:
            by_chapter.setdefault(ch, []).append(desc)
        pairs = [InputExample(texts=[a, b]) for descs in by_chapter.values() for a in descs for b in descs if a != b]
        loader = DataLoader(pairs, shuffle=True, batch_size=4)
        loss = losses.MultipleNegativesRankingLoss(self.encoder)
        self.encoder.old_fit(train_objectives=[(loader, loss)], epochs=epochs, warmup_steps=0,
                             show_progress_bar=False)
        log.info("contrastive warm-up done on %d pairs", len(pairs))
        return self

    def embed(self):
        self.chapters = sorted({ch for _, ch in CODED})
        self.ch2id = {ch: i for i, ch in enumerate(self.chapters)}
        self.coded_y = torch.tensor([self.ch2id[ch] for _, ch in CODED])
        self.n_coded = len(CODED)
        manifest = [d for d, _ in CODED] + UNCODED
        self.emb = self.encoder.encode(manifest, convert_to_tensor=True, normalize_embeddings=True,
                                      show_progress_bar=False)
        # search index for the neighbour vote
        self.index = self.emb
        self.queries = self.emb[self.n_coded:]
        log.info("embedded %d lines (%d coded)", len(manifest), self.n_coded)
        return self

    def propagate(self):
        sims = self.queries @ self.index.T
        top = sims.topk(self.k, dim=1)
        nbr_y = self.coded_y[top.indices]
        weights = top.values.clamp_min(0) + 1e-6
        votes = torch.zeros(len(self.queries), len(self.chapters))
        votes.scatter_add_(1, nbr_y, weights)
        self.pred = votes.argmax(1)
        self.conf = votes.max(1).values / votes.sum(1)
        return self

    def report(self):
        for desc, p, c in zip(UNCODED, self.pred.tolist(), self.conf.tolist()):
            print(f"  ch{self.chapters[p]}  ({c:.2f})  {desc}")
        print("chapter spread:", dict(Counter(self.chapters[p] for p in self.pred.tolist())))
        return self


if __name__ == "__main__":
    Pipeline(k=3).build_encoder().warm_up().embed().propagate().report()
