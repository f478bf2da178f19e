"""Duplicate-question detection with sentence-transformers, replacing mean pooling by a learned attention
pooling module (one query vector scores every token; the sentence vector is the weighted sum).
"""
import os
import tempfile

import torch
import torch.nn as nn
from sentence_transformers import SentenceTransformer, util
from sentence_transformers.sentence_transformer.modules import Transformer
from transformers import BertConfig, BertModel, BertTokenizer

torch.manual_seed(0)

QUESTIONS = [
    "how do i reset my router", "what is the best way to restart a router", "why is my wifi slow",
    "how can i speed up my wireless connection", "how do i change my email address",
    "where do i update the email on my account",
]


class AttentionPooling(nn.Module):
    """features['token_embeddings'] (batch, seq, dim) -> features['sentence_embedding'] (batch, dim)."""

    def __init__(self, dim):
        super().__init__()
        self.dim = dim
        self.score = nn.Linear(dim, 1, bias=False)

    def forward(self, features):
        tokens = features["token_embeddings"]
        logits = self.score(tokens).squeeze(-1)
        logits = logits.masked_fill(~features["attention_mask"], float("-inf"))
        weights = logits.softmax(dim=-1)
        features["sentence_embedding"] = torch.einsum("bs,bsd->bd", weights, tokens)
        return features

    def get_sentence_embedding_dimension(self):
        return self.dim


def build_model(folder):
    words = sorted({w for q in QUESTIONS for w in q.split()})
    with open(os.path.join(folder, "vocab.txt"), "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    BertTokenizer(os.path.join(folder, "vocab.txt")).save_pretrained(folder)
    BertModel(BertConfig(vocab_size=len(words) + 5, hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                         intermediate_size=64, max_position_embeddings=64)).save_pretrained(folder)
    word_model = Transformer(folder, max_seq_length=32)
    return SentenceTransformer(modules=[word_model, AttentionPooling(word_model.get_embedding_dimension())],
                               device="cpu")


model = build_model(tempfile.mkdtemp(prefix="dupq-"))
embeddings = model.encode(QUESTIONS, convert_to_tensor=True, batch_size=4)
similarity = util.cos_sim(embeddings, embeddings).fill_diagonal_(-1)
for i, question in enumerate(QUESTIONS):
    print(f"{question!r} ~ {QUESTIONS[int(similarity[i].argmax())]!r}")
