"""Ranking answers with a multiple-choice head: every candidate reply was graded 0-3 by annotators."""
import os
import tempfile

import torch
from transformers import BertConfig, BertForMultipleChoice, BertTokenizer

torch.manual_seed(0)
threads = [
    {"prompt": "how do i reset my password",
     "replies": [("click forgot password", 3), ("restart the router", 0), ("ask your admin", 1)]},
    {"prompt": "where is my invoice",
     "replies": [("check billing page", 2), ("it is raining", 0), ("see the invoices tab", 3)]},
]

vocab_path = os.path.join(tempfile.mkdtemp(), "vocab.txt")
tokens = sorted({w for t in threads for s in [t["prompt"]] + [r for r, _ in t["replies"]] for w in s.split()})
with open(vocab_path, "w") as out:
    out.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]"] + tokens))
tok = BertTokenizer(vocab_path)

ranker = BertForMultipleChoice(BertConfig(vocab_size=len(tok), hidden_size=16, num_hidden_layers=1,
                                          num_attention_heads=2, intermediate_size=32, max_position_embeddings=32))

pairs = tok([t["prompt"] for t in threads for _ in t["replies"]],
            [r for t in threads for r, _ in t["replies"]], padding=True, return_tensors="pt")
k = len(threads[0]["replies"])
inputs = {name: v.reshape(len(threads), k, -1) for name, v in pairs.items()}
grades = torch.tensor([g for t in threads for _, g in t["replies"]])
out = ranker(**inputs, labels=grades)
print("loss", out.loss.item())
