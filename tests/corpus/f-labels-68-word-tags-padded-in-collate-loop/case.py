"""Slot filling for flight queries with a tiny BERT token classifier, trained in a plain loop."""
import os
import tempfile

import torch
from torch.utils.data import DataLoader
from transformers import BertConfig, BertForTokenClassification, BertTokenizerFast

torch.manual_seed(0)
SLOTS = ["O", "B-from", "B-to", "B-date"]
pieces = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "fly", "from", "to", "on", "bos", "##ton", "den", "##ver",
          "mon", "##day", "paris", "tues", "##day", "a", "flight", "please"]
vocab_dir = tempfile.mkdtemp()
with open(os.path.join(vocab_dir, "vocab.txt"), "w") as fh:
    fh.write("\n".join(pieces))
tok = BertTokenizerFast(os.path.join(vocab_dir, "vocab.txt"))

queries = [
    ("fly from boston to denver on monday".split(), [0, 0, 1, 0, 2, 0, 3]),
    ("a flight to paris please".split(), [0, 0, 0, 2, 0]),
    ("from denver to boston".split(), [0, 1, 0, 2]),
    ("fly to paris on tuesday".split(), [0, 0, 2, 0, 3]),
]


def collate(batch):
    enc = tok([ex[0] for ex in batch], is_split_into_words=True, padding=True, return_tensors="pt")
    width = max(len(ex[1]) for ex in batch)
    tags = [ex[1] + [-100] * (width - len(ex[1])) for ex in batch]
    enc["labels"] = torch.tensor(tags)
    return enc


cfg = BertConfig(vocab_size=len(pieces), hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                 intermediate_size=64, num_labels=len(SLOTS))
model = BertForTokenClassification(cfg)
opt = torch.optim.AdamW(model.parameters(), lr=1e-3)
for epoch in range(2):
    for batch in DataLoader(queries, batch_size=2, shuffle=True, collate_fn=collate):
        loss = model(**batch).loss
        loss.backward()
        opt.step()
        opt.zero_grad()
    print(epoch, round(loss.item(), 3))
