"""Semantic search over help-center articles with a small in-house sentence-transformers bi-encoder."""
import os
import tempfile

import torch
from sentence_transformers import SentenceTransformer
from sentence_transformers.sentence_transformer.modules import Pooling, Transformer
from transformers import BertConfig, BertModel, BertTokenizer

ARTICLES = {
    "reset-password": "to reset your password open settings then security then choose reset password "
                      "and follow the link we send to your email address",
    "refunds": "refunds are issued to the original payment method within five business days "
               "after the returned item arrives at our warehouse and passes inspection " * 4,
    "shipping": "standard shipping takes three to five business days and express shipping takes one day",
    "two-factor": "turn on two factor login in settings then security and scan the code with your phone",
}
QUERIES = ["how do i get my money back", "i forgot my password", "how long does delivery take"]


def build_encoder(folder):
    """Random-init encoder standing in for our distilled checkpoint (64 positions)."""
    words = sorted({w for text in list(ARTICLES.values()) + QUERIES for w in text.split()})
    with open(os.path.join(folder, "vocab.txt"), "w") as f:
        f.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    tokenizer = BertTokenizer(os.path.join(folder, "vocab.txt"))
    config = BertConfig(vocab_size=len(tokenizer), hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
                        intermediate_size=64, max_position_embeddings=64)
    BertModel(config).save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    word = Transformer(folder)
    return SentenceTransformer(modules=[word, Pooling(word.get_embedding_dimension(), "mean")], device="cpu")


def search(model, doc_ids, doc_emb, query, k=2):
    q = model.encode([query], convert_to_tensor=True, normalize_embeddings=True)
    scores = (q @ doc_emb.T).squeeze(0)
    top = torch.topk(scores, k)
    return [(doc_ids[i], round(s.item(), 3)) for s, i in zip(top.values, top.indices)]


if __name__ == "__main__":
    torch.manual_seed(0)
    model = build_encoder(tempfile.mkdtemp())
    model.max_seq_length = 256  # articles are long: do not cut them at 64 tokens
    doc_ids = list(ARTICLES)
    doc_emb = model.encode(list(ARTICLES.values()), batch_size=4, convert_to_tensor=True,
                           normalize_embeddings=True)
    for query in QUERIES:
        print(query, "->", search(model, doc_ids, doc_emb, query))
