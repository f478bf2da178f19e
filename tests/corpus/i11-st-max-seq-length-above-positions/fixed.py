"""Embedding product descriptions with a small sentence-transformers model for semantic search."""
import os
import tempfile

os.environ.setdefault("HF_HUB_OFFLINE", "1")
import torch
from sentence_transformers import SentenceTransformer, models
from transformers import BertConfig, BertModel, BertTokenizer

torch.manual_seed(0)
WORDS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "soft", "cotton", "shirt", "with", "long", "sleeves",
         "and", "a", "pocket", "blue", "denim", "jacket", "warm", "wool", "lining"]
base = tempfile.mkdtemp()
with open(os.path.join(base, "vocab.txt"), "w") as f:
    f.write("\n".join(WORDS) + "\n")
BertTokenizer(os.path.join(base, "vocab.txt")).save_pretrained(base)
BertModel(BertConfig(vocab_size=len(WORDS), hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                     intermediate_size=64, max_position_embeddings=20)).save_pretrained(base)

encoder = models.Transformer(base, max_seq_length=20)
model = SentenceTransformer(modules=[encoder, models.Pooling(encoder.get_word_embedding_dimension())], device="cpu")
descriptions = ["soft cotton shirt with long sleeves",
                "blue denim jacket with warm wool lining and a pocket " * 3]
embeddings = model.encode(descriptions, convert_to_tensor=True)
print(embeddings.shape)
