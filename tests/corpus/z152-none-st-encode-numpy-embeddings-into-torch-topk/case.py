"""Suggest help-center articles for incoming chat messages with a small sentence-transformers bi-encoder."""
import os
import tempfile

os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

import torch
from sentence_transformers import SentenceTransformer
from sentence_transformers.sentence_transformer.modules import Pooling, Transformer
from transformers import BertConfig, BertModel, BertTokenizerFast

torch.manual_seed(0)
ARTICLES = [
    "resetting your password",
    "updating payment details",
    "tracking an order",
    "returning an item for a refund",
    "deleting your account",
]
MESSAGES = ["i forgot my password", "where is my order", "i want my money back"]
TOP_K = 2


def save_encoder(folder):
    words = sorted({w for t in ARTICLES + MESSAGES for w in t.split()})
    with open(os.path.join(folder, "vocab.txt"), "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    tokenizer = BertTokenizerFast(os.path.join(folder, "vocab.txt"))
    BertModel(BertConfig(vocab_size=len(tokenizer), hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                         intermediate_size=37, max_position_embeddings=64)).save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    return folder


def build_bi_encoder(folder):
    word_model = Transformer(folder, max_seq_length=32)
    return SentenceTransformer(modules=[word_model, Pooling(word_model.get_embedding_dimension())], device="cpu")


def suggest(encoder, messages, k=TOP_K):
    article_vecs = encoder.encode(ARTICLES, normalize_embeddings=True)
    message_vecs = encoder.encode(messages, normalize_embeddings=True)
    scores = message_vecs @ article_vecs.T
    best = torch.topk(scores, k, dim=1)
    return [[(ARTICLES[j], round(s, 3)) for j, s in zip(idx.tolist(), val.tolist())]
            for idx, val in zip(best.indices, best.values)]


if __name__ == "__main__":
    encoder = build_bi_encoder(save_encoder(tempfile.mkdtemp()))
    for msg, hits in zip(MESSAGES, suggest(encoder, MESSAGES)):
        print(msg, "->", hits)
