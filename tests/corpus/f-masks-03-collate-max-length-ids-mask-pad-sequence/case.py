"""Question-type classification with a small transformer encoder over BERT word pieces.  The collate function
returns the encoding and, for the encoder, a key padding mask (True where a position is padding)."""
import os
import tempfile

import torch
from torch import nn
from torch.nn.utils.rnn import pad_sequence
from torch.utils.data import DataLoader
from transformers import BertTokenizer

torch.manual_seed(0)
QUESTIONS = [("who wrote the book", 0), ("when did the war end", 1), ("where is the station", 2),
             ("who painted it", 0), ("when does the shop open", 1), ("where can i park", 2)]

path = os.path.join(tempfile.mkdtemp(), "vocab.txt")
with open(path, "w") as fh:
    fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]"] + sorted({w for q, _ in QUESTIONS for w in q.split()})))
tokenizer = BertTokenizer(path)


def collate(rows):
    texts = [q for q, _ in rows]
    enc = tokenizer(texts, padding="max_length", max_length=16, truncation=True, return_tensors="pt")
    pieces = [tokenizer(q)["input_ids"] for q in texts]
    padding = pad_sequence([torch.zeros(len(p), dtype=torch.bool) for p in pieces], batch_first=True,
                           padding_value=True)
    return enc, padding, torch.tensor([y for _, y in rows])


class QuestionTyper(nn.Module):
    def __init__(self, vocab_size, dim=16):
        super().__init__()
        self.emb = nn.Embedding(vocab_size, dim)
        self.enc = nn.TransformerEncoder(nn.TransformerEncoderLayer(dim, 2, 32, batch_first=True), 1,
                                         enable_nested_tensor=False)
        self.head = nn.Linear(dim, 3)

    def forward(self, ids, padding):
        return self.head(self.enc(self.emb(ids), src_key_padding_mask=padding)[:, 0])


model = QuestionTyper(len(tokenizer))
for enc, padding, labels in DataLoader(QUESTIONS, batch_size=3, collate_fn=collate):
    loss = nn.functional.cross_entropy(model(enc["input_ids"], padding), labels)
print("loss", loss.item())
