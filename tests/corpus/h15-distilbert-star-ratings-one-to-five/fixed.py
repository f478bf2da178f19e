"""Star-rating regression-as-classification with DistilBERT (five classes, one per star)."""
import csv
import io
import os
import tempfile

import torch
from torch.utils.data import DataLoader
from transformers import DistilBertConfig, DistilBertForSequenceClassification, DistilBertTokenizer

torch.manual_seed(0)

REVIEWS_CSV = """text,stars
terrible never again,1
bad food slow service,2
it was fine,3
good value nice staff,4
excellent best meal ever,5
fine but slow,3
"""
rows = list(csv.DictReader(io.StringIO(REVIEWS_CSV)))
words = sorted({w for r in rows for w in r["text"].split()})
vocab_file = os.path.join(tempfile.mkdtemp(), "vocab.txt")
with open(vocab_file, "w") as fh:
    fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
tokenizer = DistilBertTokenizer(vocab_file)

NUM_STARS = 5
model = DistilBertForSequenceClassification(DistilBertConfig(
    vocab_size=len(tokenizer), dim=32, hidden_dim=64, n_layers=1, n_heads=2, num_labels=NUM_STARS))


def collate(batch):
    enc = tokenizer([r["text"] for r in batch], padding=True, return_tensors="pt")
    enc["labels"] = torch.tensor([int(r["stars"]) - 1 for r in batch])
    return enc


optimizer = torch.optim.AdamW(model.parameters(), lr=5e-4)
for batch in DataLoader(rows, batch_size=3, shuffle=False, collate_fn=collate):
    out = model(**batch)
    out.loss.backward()
    optimizer.step()
    optimizer.zero_grad()
    print(f"loss {out.loss.item():.3f}")
