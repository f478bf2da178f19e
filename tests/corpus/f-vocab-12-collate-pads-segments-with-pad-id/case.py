"""Question-passage relevance with a small BERT; the vocabulary file puts [PAD] after the other special tokens."""
import os
import tempfile

import torch
from torch.nn.utils.rnn import pad_sequence
from torch.utils.data import DataLoader
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

PAIRS = [
    ("who wrote the book", "the book was written by a young author", 1),
    ("where is the museum", "the weather was cold all week", 0),
    ("when did the war end", "the war ended after six long years of fighting", 1),
    ("what is the capital", "paris is the capital", 1),
    ("how tall is the tower", "the museum opens at nine", 0),
    ("who won the match", "the match was won by the home team after extra time", 1),
]
words = sorted({w for q, p, _ in PAIRS for w in (q + " " + p).split()})
folder = tempfile.mkdtemp()
with open(os.path.join(folder, "vocab.txt"), "w") as fh:
    fh.write("\n".join(["[UNK]", "[CLS]", "[SEP]", "[MASK]", "[PAD]"] + words) + "\n")
tok = BertTokenizer(os.path.join(folder, "vocab.txt"))
PAD_ID = tok.convert_tokens_to_ids("[PAD]")

examples = []
for question, passage, relevant in PAIRS:
    enc = tok(question, passage)
    examples.append({"input_ids": torch.tensor(enc["input_ids"]),
                     "token_type_ids": torch.tensor(enc["token_type_ids"]),
                     "label": relevant})


def collate(items):
    input_ids = pad_sequence([it["input_ids"] for it in items], batch_first=True, padding_value=PAD_ID)
    segments = pad_sequence([it["token_type_ids"] for it in items], batch_first=True, padding_value=PAD_ID)
    return {"input_ids": input_ids, "token_type_ids": segments, "attention_mask": (input_ids != PAD_ID).long(),
            "labels": torch.tensor([it["label"] for it in items])}


loader = DataLoader(examples, batch_size=3, collate_fn=collate)
model = BertForSequenceClassification(BertConfig(vocab_size=len(tok), hidden_size=32, num_hidden_layers=1,
                                                 num_attention_heads=2, intermediate_size=64, num_labels=2))
opt = torch.optim.AdamW(model.parameters(), lr=1e-3)
for epoch in range(2):
    for batch in loader:
        loss = model(**batch).loss
        loss.backward()
        opt.step()
        opt.zero_grad()
    print("epoch", epoch, round(loss.item(), 3))
