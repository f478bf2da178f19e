"""Evaluate a sentence-transformers FAQ retriever with recall@k on a small labelled query set."""
import os
import tempfile

import torch
from sentence_transformers import SentenceTransformer
from sentence_transformers.models import Pooling, Transformer
from transformers import BertConfig, BertModel, BertTokenizer

torch.manual_seed(0)
WORK = tempfile.mkdtemp()

FAQ = [
    "how do i reset my password",
    "where can i download my invoice",
    "how long does delivery take",
    "can i change my delivery address",
    "how do i close my account",
    "which payment methods are accepted",
]
# (query, index of the FAQ entry that answers it)
QUERIES = [
    ("forgot password", 0),
    ("invoice download", 1),
    ("delivery time", 2),
    ("close account", 4),
    ("pay with card", 5),
]
K = 3


def save_base_encoder(folder):
    words = sorted({w for t in FAQ + [q for q, _ in QUERIES] for w in t.split()})
    with open(os.path.join(folder, "vocab.txt"), "w") as f:
        f.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    tok = BertTokenizer(os.path.join(folder, "vocab.txt"))
    cfg = BertConfig(vocab_size=tok.vocab_size, hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
                     intermediate_size=64, max_position_embeddings=64)
    BertModel(cfg).save_pretrained(folder)
    tok.save_pretrained(folder)


def recall_at_k(scores, gold, k):
    """scores: (queries, faq entries); gold: (queries,) index of the right entry."""
    top_ids = scores.topk(k, dim=1).indices
    hits = (top_ids == gold.unsqueeze(1)).any(dim=1)
    return hits.float().mean().item()


save_base_encoder(WORK)
word_model = Transformer(WORK, max_seq_length=32)
retriever = SentenceTransformer(modules=[word_model, Pooling(word_model.get_word_embedding_dimension())],
                                device="cpu")
faq_emb = retriever.encode(FAQ, convert_to_tensor=True, normalize_embeddings=True)
query_emb = retriever.encode([q for q, _ in QUERIES], convert_to_tensor=True, normalize_embeddings=True)
gold = torch.tensor([g for _, g in QUERIES])
scores = query_emb @ faq_emb.T
print(f"recall@{K}: {recall_at_k(scores, gold, K):.2f}")
