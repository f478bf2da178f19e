"""Inference script: majority vote of a 3-checkpoint BERT ensemble for product categorisation.  Each shop only
sells some categories, so the categories a shop does not sell are masked out before taking the winner.
"""
import os
import tempfile

os.environ.setdefault("HF_HUB_OFFLINE", "1")
import torch
import torch.nn.functional as F
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

CATEGORIES = ["books", "music", "games", "garden"]
SHOP_CATEGORIES = {"bookworm": ["books", "music"], "greenthumb": ["garden", "books"]}
QUERIES = [("bookworm", "vinyl record of jazz classics"), ("bookworm", "paperback crime novel"),
           ("greenthumb", "seeds for tomato plants"), ("greenthumb", "a book about roses")]

tmp = tempfile.mkdtemp()
with open(os.path.join(tmp, "vocab.txt"), "w") as fh:
    fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
                       + sorted({w for _, q in QUERIES for w in q.split()})) + "\n")
tokenizer = BertTokenizer(os.path.join(tmp, "vocab.txt"))
config = BertConfig(vocab_size=len(tokenizer), hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                    intermediate_size=64, max_position_embeddings=64, num_labels=len(CATEGORIES))
ensemble = []
for seed in (11, 12, 13):          # stand-ins for the three fine-tuned checkpoints
    torch.manual_seed(seed)
    ensemble.append(BertForSequenceClassification(config).eval())


@torch.no_grad()
def vote(texts):
    enc = tokenizer(texts, padding=True, return_tensors="pt")
    counts = torch.zeros(len(texts), len(CATEGORIES), dtype=torch.long)
    for member in ensemble:
        counts += F.one_hot(member(**enc).logits.argmax(-1), len(CATEGORIES))
    return counts


shops, texts = zip(*QUERIES)
counts = vote(list(texts))
allowed = torch.tensor([[c in SHOP_CATEGORIES[s] for c in CATEGORIES] for s in shops])
counts = counts.float().masked_fill(~allowed, float("-inf"))
for (shop, text), winner in zip(QUERIES, counts.argmax(-1).tolist()):
    print(f"{shop:>10}: {text!r} -> {CATEGORIES[winner]}")
