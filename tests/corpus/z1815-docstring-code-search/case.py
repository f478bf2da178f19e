"""Bi-encoder code search: docstrings and function bodies are embedded by one small
BERT encoder (mean pooled), trained with in-batch negatives, then used to rank
functions for a natural-language query."""
import os
import re
import tempfile

import torch
import torch.nn.functional as F
from transformers import BertConfig, BertModel, BertTokenizer

torch.manual_seed(11)

CORPUS = [
    ("return the largest element of a list",
     "def max_item(xs):\n    best = xs[0]\n    for x in xs:\n        if x > best:\n            best = x\n    return best"),
    ("read a file and return its lines",
     "def read_lines(path):\n    with open(path) as fh:\n        return fh.read().splitlines()"),
    ("check whether a string is a palindrome",
     "def is_palindrome(s):\n    return s == s[::-1]"),
    ("count words in a text",
     "def word_count(text):\n    return len(text.split())"),
    ("sum the squares of numbers",
     "def sum_squares(nums):\n    return sum(n * n for n in nums)"),
    ("remove duplicate items keeping order",
     "def dedupe(items):\n    seen = set()\n    return [x for x in items if not (x in seen or seen.add(x))]"),
]

SPECIAL = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]


def code_tokens(text):
    return re.findall(r"[A-Za-z]+|\d+|[^\sA-Za-z\d]", text.lower())


def write_vocab(folder):
    words = sorted({t for doc, body in CORPUS for t in code_tokens(doc) + code_tokens(body)})
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(SPECIAL + words) + "\n")
    return path


class SearchEncoder(torch.nn.Module):
    def __init__(self, vocab_size, dim=32):
        super().__init__()
        cfg = BertConfig(
            vocab_size=vocab_size,
            hidden_size=dim,
            num_hidden_layers=1,
            num_attention_heads=2,
            intermediate_size=64,
            max_position_embeddings=128,
        )
        self.bert = BertModel(cfg, add_pooling_layer=False)

    def forward(self, batch):
        hidden = self.bert(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"]).last_hidden_state
        mask = batch["attention_mask"].unsqueeze(-1).float()
        return (hidden * mask).sum(1) / mask.sum(1).clamp(min=1.0)


def similarity(query_vecs, code_vecs, temperature=0.05):
    q = F.normalize(query_vecs, dim=-1)
    c = F.normalize(code_vecs, dim=-1)
    return (q @ c) / temperature


def train(encoder, tokenizer, epochs=15):
    docs = [doc for doc, _ in CORPUS]
    funcs = [body for _, body in CORPUS]
    doc_batch = tokenizer(docs, padding=True, truncation=True, max_length=64, return_tensors="pt")
    func_batch = tokenizer(funcs, padding=True, truncation=True, max_length=64, return_tensors="pt")
    targets = torch.arange(len(CORPUS))
    opt = torch.optim.AdamW(encoder.parameters(), lr=5e-4)
    for epoch in range(epochs):
        scores = similarity(encoder(doc_batch), encoder(func_batch))
        loss = (F.cross_entropy(scores, targets) + F.cross_entropy(scores.T, targets)) / 2
        opt.zero_grad()
        loss.backward()
        opt.step()
        if epoch % 5 == 0:
            print(f"epoch {epoch:2d} contrastive loss {loss.item():.4f}")


@torch.no_grad()
def search(encoder, tokenizer, query, k=3):
    funcs = [body for _, body in CORPUS]
    func_batch = tokenizer(funcs, padding=True, truncation=True, max_length=64, return_tensors="pt")
    q_batch = tokenizer([query], return_tensors="pt")
    scores = similarity(encoder(q_batch), encoder(func_batch))[0]
    best = scores.topk(k).indices.tolist()
    return [(funcs[i].splitlines()[0], scores[i].item()) for i in best]


def main():
    with tempfile.TemporaryDirectory() as tmp:
        tokenizer = BertTokenizer(write_vocab(tmp), do_lower_case=True)
    print("vocab size:", len(tokenizer))

    encoder = SearchEncoder(len(tokenizer))
    train(encoder, tokenizer)
    encoder.eval()

    for query in ["largest element of a list", "is the string a palindrome"]:
        print("query:", query)
        for signature, score in search(encoder, tokenizer, query):
            print(f"   {score:7.3f}  {signature}")


if __name__ == "__main__":
    main()
