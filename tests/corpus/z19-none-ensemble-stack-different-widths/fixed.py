"""Embedding ensemble: average the pooled sentence vectors of two BERT encoders trained separately."""
import os
import tempfile

os.environ.setdefault("HF_HUB_OFFLINE", "1")
import torch
from transformers import BertConfig, BertModel, BertTokenizer

torch.manual_seed(0)
VOCAB = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "cheap", "flights", "to", "rome", "hotel", "near",
         "the", "beach", "car", "rental", "airport"]

vocab_file = os.path.join(tempfile.mkdtemp(), "vocab.txt")
with open(vocab_file, "w") as fh:
    fh.write("\n".join(VOCAB) + "\n")
tokenizer = BertTokenizer(vocab_file)


def make_encoder(hidden_size):
    return BertModel(BertConfig(vocab_size=len(tokenizer), hidden_size=hidden_size, num_hidden_layers=1,
                                num_attention_heads=2, intermediate_size=37, max_position_embeddings=32)).eval()


ensemble = {"small": make_encoder(32), "wide": make_encoder(48)}
queries = ["cheap flights to rome", "hotel near the beach", "car rental airport"]
enc = tokenizer(queries, padding=True, return_tensors="pt")

with torch.no_grad():
    pooled = [torch.nn.functional.normalize(encoder(**enc).pooler_output, dim=-1) for encoder in ensemble.values()]
    query_vectors = torch.cat(pooled, dim=-1)
print(query_vectors.shape)
