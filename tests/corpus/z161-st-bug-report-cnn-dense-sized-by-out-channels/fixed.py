"""Find likely duplicate bug reports with a light CNN sentence encoder (sentence-transformers modules)."""
import numpy as np
import torch
from sentence_transformers import SentenceTransformer, models, util
from sentence_transformers.models.tokenizer import WhitespaceTokenizer

torch.manual_seed(0)
rng = np.random.default_rng(0)
WORD_DIM = 32
EMBED_DIM = 16

REPORTS = [
    "app crashes when uploading a photo from the gallery",
    "crash on photo upload from gallery",
    "dark mode text is unreadable on settings page",
    "login button does nothing after password reset",
    "settings page text invisible in dark mode",
    "cannot log in after resetting my password",
]
NEW_REPORTS = ["gallery upload makes the app crash", "password reset breaks login"]


def word_vectors(texts):
    """Stand-in for the team's in-domain word2vec table."""
    vocab = sorted({w for text in texts for w in text.split()})
    return vocab, rng.normal(0, 0.1, size=(len(vocab), WORD_DIM)).astype(np.float32)


def build_encoder(texts):
    vocab, table = word_vectors(texts)
    words = models.WordEmbeddings(tokenizer=WhitespaceTokenizer(vocab, stop_words=[]), embedding_weights=table,
                                  update_embeddings=False)
    cnn = models.CNN(in_embedding_dimension=WORD_DIM, out_channels=24, kernel_sizes=[1, 3, 5])
    pooling = models.Pooling(cnn.get_embedding_dimension(), pooling_mode="max")
    projection = models.Dense(in_features=pooling.get_sentence_embedding_dimension(), out_features=EMBED_DIM)
    return SentenceTransformer(modules=[words, cnn, pooling, projection], device="cpu")


def likely_duplicates(encoder, reports, new_reports, threshold=0.5):
    known = encoder.encode(reports, convert_to_tensor=True, normalize_embeddings=True)
    incoming = encoder.encode(new_reports, convert_to_tensor=True, normalize_embeddings=True)
    scores = util.cos_sim(incoming, known)
    for text, row in zip(new_reports, scores):
        best = int(row.argmax())
        flag = "DUPLICATE?" if row[best] > threshold else "new"
        print(f"{flag:10s} {text!r} ~ {reports[best]!r} ({row[best]:.2f})")


if __name__ == "__main__":
    encoder = build_encoder(REPORTS + NEW_REPORTS)
    likely_duplicates(encoder, REPORTS, NEW_REPORTS)
