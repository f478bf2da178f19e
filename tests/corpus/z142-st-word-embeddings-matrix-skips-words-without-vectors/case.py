"""Find duplicate bug reports with an averaged-word-vector SentenceTransformer (no transformer needed)."""
import os
import tempfile

import numpy as np
import torch
from sentence_transformers import SentenceTransformer, util
from sentence_transformers.sentence_transformer.modules import Pooling, WordEmbeddings
from sentence_transformers.sentence_transformer.modules.tokenizer import WhitespaceTokenizer

rng = np.random.default_rng(0)
DIM = 24

REPORTS = [
    "app crashes when uploading a photo",
    "crash on photo upload in the android app",
    "login button does nothing on safari",
    "cannot log in with safari browser",
    "dark mode colours are unreadable",
    "export to csv drops the last column",
]
# stand-in for the general-domain vectors file (word2vec text format, first line: count dim)
PRETRAINED_WORDS = ["app", "crashes", "when", "a", "photo", "crash", "on", "upload", "in", "the", "login",
                    "button", "does", "nothing", "cannot", "log", "with", "browser", "dark", "mode", "colours",
                    "are", "export", "to", "drops", "last", "column"]


def write_vectors_file(path):
    with open(path, "w") as fh:
        fh.write(f"{len(PRETRAINED_WORDS)} {DIM}\n")
        for word in PRETRAINED_WORDS:
            fh.write(word + " " + " ".join(f"{x:.4f}" for x in rng.normal(size=DIM)) + "\n")


def read_vectors(path):
    vectors = {}
    with open(path) as fh:
        next(fh)
        for line in fh:
            word, *values = line.rstrip().split(" ")
            vectors[word] = np.asarray(values, dtype=np.float32)
    return vectors


def build_encoder(reports, vectors):
    vocab = sorted({w for text in reports for w in text.split()})
    tokenizer = WhitespaceTokenizer(vocab=vocab, stop_words=[])
    weights = np.stack([vectors[w] for w in vocab if w in vectors])
    word_embeddings = WordEmbeddings(tokenizer, weights, update_embeddings=False)
    pooling = Pooling(word_embeddings.get_embedding_dimension(), pooling_mode="mean")
    return SentenceTransformer(modules=[word_embeddings, pooling], device="cpu")


def likely_duplicates(encoder, reports, threshold=0.3):
    emb = encoder.encode(reports, convert_to_tensor=True, normalize_embeddings=True)
    sims = util.cos_sim(emb, emb).fill_diagonal_(-1.0)
    pairs = (sims > threshold).nonzero().tolist()
    return [(reports[i], reports[j], round(sims[i, j].item(), 3)) for i, j in pairs if i < j]


if __name__ == "__main__":
    vec_path = os.path.join(tempfile.mkdtemp(), "vectors.txt")
    write_vectors_file(vec_path)
    encoder = build_encoder(REPORTS, read_vectors(vec_path))
    for a, b, score in likely_duplicates(encoder, REPORTS):
        print(f"{score}: {a!r} ~ {b!r}")
