"""Toxicity classifier: BERT fine-tuned with a hand-written loop on pre-tokenized forum comments."""
import os
import tempfile

import torch
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

COMMENTS = [
    ("thanks for the helpful answer", 0), ("you are an idiot and a troll", 1),
    ("great write up very clear", 0), ("nobody wants your stupid opinion", 1),
    ("could you share the config file", 0), ("shut up you clueless troll", 1),
    ("this fixed my problem thanks", 0), ("what a stupid idiot answer", 1),
]


def make_tokenizer(folder):
    words = sorted({w for c, _ in COMMENTS for w in c.split()})
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as f:
        f.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return BertTokenizer(path)


def pretokenize(tokenizer, comments):
    """Tokenize once and cache pieces, ids and mask per comment."""
    cache = []
    for text, label in comments:
        pieces = tokenizer.tokenize(text)
        ids = [tokenizer.cls_token_id] + tokenizer.convert_tokens_to_ids(pieces) + [tokenizer.sep_token_id]
        cache.append({"ids": ids, "mask": [1] * len(pieces), "label": label})
    return cache


def pad_to_longest(rows, key, value=0):
    width = max(len(r[key]) for r in rows)
    return torch.tensor([r[key] + [value] * (width - len(r[key])) for r in rows])


def iterate(cache, batch_size):
    for i in range(0, len(cache), batch_size):
        rows = cache[i:i + batch_size]
        yield pad_to_longest(rows, "ids"), pad_to_longest(rows, "mask"), torch.tensor([r["label"] for r in rows])


torch.manual_seed(0)
tokenizer = make_tokenizer(tempfile.mkdtemp())
model = BertForSequenceClassification(BertConfig(vocab_size=len(tokenizer), hidden_size=32, num_hidden_layers=2,
                                                 num_attention_heads=2, intermediate_size=64,
                                                 max_position_embeddings=64, num_labels=2))
optimizer = torch.optim.AdamW(model.parameters(), lr=3e-4)
cache = pretokenize(tokenizer, COMMENTS)

model.train()
for epoch in range(3):
    total = 0.0
    for ids, mask, y in iterate(cache, batch_size=4):
        out = model(input_ids=ids, attention_mask=mask, labels=y)
        out.loss.backward()
        optimizer.step()
        optimizer.zero_grad()
        total += out.loss.item()
    print(f"epoch {epoch}: {total:.3f}")
