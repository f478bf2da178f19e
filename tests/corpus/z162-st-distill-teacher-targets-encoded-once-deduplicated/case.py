"""Distil a small BERT sentence encoder into a fast word-vector student with sentence-transformers' MSELoss."""
import os
import tempfile

import numpy as np
import torch
from sentence_transformers import SentenceTransformer, losses, models
from sentence_transformers.models.tokenizer import WhitespaceTokenizer
from transformers import BertConfig, BertModel, BertTokenizerFast

torch.manual_seed(0)
BATCH_SIZE = 4
CORPUS = [
    "how do i reset my password", "where is my invoice", "change delivery address",
    "how do i reset my password", "cancel my subscription", "the app keeps crashing",
    "where is my invoice", "update payment method", "talk to a human agent",
    "export my data", "delete my account", "turn off notifications",
]


def teacher_model(folder):
    words = sorted({w for s in CORPUS for w in s.split()})
    with open(os.path.join(folder, "vocab.txt"), "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    BertTokenizerFast(os.path.join(folder, "vocab.txt")).save_pretrained(folder)
    BertModel(BertConfig(vocab_size=len(words) + 5, hidden_size=48, num_hidden_layers=1, num_attention_heads=2,
                         intermediate_size=96, max_position_embeddings=32)).save_pretrained(folder)
    bert = models.Transformer(folder)
    return SentenceTransformer(modules=[bert, models.Pooling(48, pooling_mode="mean")], device="cpu")


def student_model(dim=24, out_dim=48):
    vocab = sorted({w for s in CORPUS for w in s.split()})
    table = np.random.default_rng(0).normal(0, 0.1, (len(vocab), dim)).astype(np.float32)
    words = models.WordEmbeddings(WhitespaceTokenizer(vocab, stop_words=[]), table, update_embeddings=True)
    return SentenceTransformer(modules=[words, models.Pooling(dim, pooling_mode="mean"),
                                        models.Dense(dim, out_dim)], device="cpu")


def distil(teacher, student, epochs=3):
    unique = sorted(set(CORPUS))
    targets = torch.from_numpy(teacher.encode(unique))
    criterion = losses.MSELoss(student)
    optimizer = torch.optim.Adam(student.parameters(), lr=1e-2)
    for epoch in range(epochs):
        for start in range(0, len(CORPUS), BATCH_SIZE):
            batch = CORPUS[start:start + BATCH_SIZE]
            features = student.preprocess(batch)
            loss = criterion([features], targets[start:start + BATCH_SIZE])
            loss.backward()
            optimizer.step()
            optimizer.zero_grad()
        print(f"epoch {epoch}: mse {loss.item():.5f}")


if __name__ == "__main__":
    teacher = teacher_model(tempfile.mkdtemp())
    student = student_model()
    distil(teacher, student)
