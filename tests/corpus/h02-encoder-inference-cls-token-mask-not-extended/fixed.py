"""Batch inference for a sentiment encoder that prepends a learned [CLS] vector, ViT-style."""
import os
import tempfile

import torch
import torch.nn as nn
from transformers import BertTokenizer

torch.manual_seed(0)

vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "the", "food", "was", "great", "awful", "service",
         "slow", "very", "friendly", "staff", "and", "cold", "not", "bad", "at", "all"]
vocab_path = os.path.join(tempfile.mkdtemp(), "vocab.txt")
with open(vocab_path, "w") as fh:
    fh.write("\n".join(vocab) + "\n")
tok = BertTokenizer(vocab_path)


class SentimentEncoder(nn.Module):
    def __init__(self, vocab_size, d=32, heads=4, layers=2):
        super().__init__()
        self.emb = nn.Embedding(vocab_size, d, padding_idx=0)
        self.cls = nn.Parameter(torch.randn(1, 1, d))
        block = nn.TransformerEncoderLayer(d, heads, 4 * d, batch_first=True)
        self.body = nn.TransformerEncoder(block, layers)
        self.out = nn.Linear(d, 2)

    def forward(self, input_ids, pad_mask):
        x = self.emb(input_ids)
        x = torch.cat([self.cls.expand(x.size(0), -1, -1), x], dim=1)
        pad_mask = torch.cat([pad_mask.new_zeros(x.size(0), 1), pad_mask], dim=1)
        h = self.body(x, src_key_padding_mask=pad_mask)
        return self.out(h[:, 0])


@torch.no_grad()
def predict(model, texts):
    model.eval()
    enc = tok(texts, padding=True, add_special_tokens=False, return_tensors="pt")
    logits = model(enc["input_ids"], enc["attention_mask"] == 0)
    return logits.softmax(-1)[:, 1].tolist()


model = SentimentEncoder(len(tok))
reviews = ["the food was great", "service was very slow and the food cold", "not bad at all"]
for text, p in zip(reviews, predict(model, reviews)):
    print(f"{p:.2f}  {text}")
