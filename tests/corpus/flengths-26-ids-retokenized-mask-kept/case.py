"""Embeds FAQ answers with a small BERT for retrieval; answers are re-encoded to a fixed width for caching."""
import os
import tempfile

os.environ.setdefault("HF_HUB_OFFLINE", "1")
import torch
from transformers import BertConfig, BertModel, BertTokenizer

ANSWERS = ["reset your password from the login page", "refunds take five business days",
           "you can change the delivery address before shipping", "contact support by chat or email"]
CACHE_WIDTH = 16

folder = tempfile.mkdtemp()
words = sorted({w for a in ANSWERS for w in a.split()})
with open(os.path.join(folder, "vocab.txt"), "w") as fh:
    fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
tokenizer = BertTokenizer(os.path.join(folder, "vocab.txt"))
encoder = BertModel(BertConfig(vocab_size=len(tokenizer), hidden_size=32, num_hidden_layers=1,
                               num_attention_heads=2, intermediate_size=64)).eval()


def embed(texts):
    batch = tokenizer(texts, padding=True, return_tensors="pt")
    print("longest answer:", batch["input_ids"].shape[1], "tokens")
    # fixed width so the cached ids of every answer line up
    ids = tokenizer(texts, padding="max_length", max_length=CACHE_WIDTH, truncation=True,
                    return_tensors="pt")["input_ids"]
    with torch.no_grad():
        hidden = encoder(input_ids=ids, attention_mask=batch["attention_mask"]).last_hidden_state
    mask = batch["attention_mask"].unsqueeze(-1)
    return (hidden * mask).sum(1) / mask.sum(1), ids


vectors, cached_ids = embed(ANSWERS)
print(vectors.shape, cached_ids.shape)
