"""Build a small semantic-search index over product titles with a tiny BERT encoder (mean pooling)."""
import os
import tempfile

os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

import torch
import torch.nn.functional as F
from transformers import BertConfig, BertModel, BertTokenizerFast

torch.manual_seed(0)
CATALOG = [
    "stainless steel water bottle 750 ml",
    "wireless noise cancelling headphones",
    "cotton bath towel set of four",
    "usb c charging cable two metres",
    "ceramic non stick frying pan",
    "running shoes for men size 42",
    "bamboo cutting board",
    "led desk lamp with dimmer",
    "yoga mat extra thick",
    "travel adapter for europe and uk",
]
ENCODE_BATCH = 4


def build_encoder():
    words = sorted({w for title in CATALOG for w in title.split()} | {"bottle", "lamp", "cable"})
    vocab_path = os.path.join(tempfile.mkdtemp(), "vocab.txt")
    with open(vocab_path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    tokenizer = BertTokenizerFast(vocab_path)
    encoder = BertModel(BertConfig(vocab_size=len(tokenizer), hidden_size=32, num_hidden_layers=1,
                                   num_attention_heads=2, intermediate_size=64, max_position_embeddings=64))
    return tokenizer, encoder.eval()


def mean_pool(hidden, attention_mask):
    mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
    return (hidden * mask).sum(dim=1) / mask.sum(dim=1).clamp(min=1e-6)


@torch.no_grad()
def embed(texts, tokenizer, encoder):
    chunks = []
    for start in range(0, len(texts), ENCODE_BATCH):
        enc = tokenizer(texts[start:start + ENCODE_BATCH], padding=True, truncation=True, max_length=32,
                        return_tensors="pt")
        hidden = encoder(**enc).last_hidden_state
        chunks.append(F.normalize(mean_pool(hidden, enc["attention_mask"]), dim=-1))
    return torch.cat(chunks, dim=1)


def search(query, index, tokenizer, encoder, k=3):
    scores = embed([query], tokenizer, encoder) @ index.T
    top = scores[0].topk(k)
    return [(CATALOG[i], round(s, 3)) for s, i in zip(top.values.tolist(), top.indices.tolist())]


if __name__ == "__main__":
    tokenizer, encoder = build_encoder()
    index = embed(CATALOG, tokenizer, encoder)
    print("index:", tuple(index.shape))
    for hit in search("bottle for water", index, tokenizer, encoder):
        print(hit)
