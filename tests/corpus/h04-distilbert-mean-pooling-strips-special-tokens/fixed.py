"""Sentence embeddings for FAQ retrieval: DistilBERT + mean pooling (sentence-transformers recipe).

[CLS] and [SEP] carry no meaning for similarity, so they are left out of the average.
"""
import os
import tempfile

import torch
import torch.nn.functional as F
from transformers import DistilBertConfig, DistilBertModel, DistilBertTokenizer

torch.manual_seed(0)

words = "how do i reset my password change email address delete account cancel subscription refund order".split()
tmp = tempfile.mkdtemp()
with open(os.path.join(tmp, "vocab.txt"), "w") as f:
    f.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
tokenizer = DistilBertTokenizer(os.path.join(tmp, "vocab.txt"))
model = DistilBertModel(DistilBertConfig(vocab_size=len(tokenizer), dim=32, hidden_dim=64, n_layers=2, n_heads=2))
model.eval()


def mean_pooling(model_output, attention_mask):
    token_embeddings = model_output[0][:, 1:-1]  # drop [CLS] and [SEP]
    attention_mask = attention_mask[:, 1:-1]
    input_mask_expanded = attention_mask.unsqueeze(-1).expand(token_embeddings.size()).float()
    return torch.sum(token_embeddings * input_mask_expanded, 1) / torch.clamp(input_mask_expanded.sum(1), min=1e-9)


def embed(sentences):
    encoded_input = tokenizer(sentences, padding=True, truncation=True, return_tensors="pt")
    with torch.no_grad():
        model_output = model(**encoded_input)
    return F.normalize(mean_pooling(model_output, encoded_input["attention_mask"]), dim=-1)


faq = ["how do i reset my password", "change my email address", "delete my account", "refund my order"]
query = embed(["i forgot my password"])
scores = query @ embed(faq).T
print(faq[int(scores.argmax())])
