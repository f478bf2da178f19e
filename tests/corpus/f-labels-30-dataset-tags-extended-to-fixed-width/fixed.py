"""Slot filling for a cooking assistant: DistilBERT token classifier, hand-written loop over a DataLoader."""
import os
import tempfile

import torch
from torch.utils.data import DataLoader, Dataset
from transformers import (BertTokenizer, DataCollatorForTokenClassification, DistilBertConfig,
                          DistilBertForTokenClassification)

SLOTS = ["O", "B-QTY", "B-UNIT", "B-ING"]
REQUESTS = [
    ("add 2 cups flour", ["O", "B-QTY", "B-UNIT", "B-ING"]),
    ("add salt", ["O", "B-ING"]),
    ("melt 100 g butter slowly", ["O", "B-QTY", "B-UNIT", "B-ING", "O"]),
    ("whisk 3 eggs", ["O", "B-QTY", "B-ING"]),
]
MAX_TAGS = 16


def write_vocab(folder):
    words = sorted({w for text, _ in REQUESTS for w in text.split()})
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as f:
        f.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return path


class SlotDataset(Dataset):
    def __init__(self, rows, tok):
        self.rows, self.tok = rows, tok

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, idx):
        text, slots = self.rows[idx]
        enc = self.tok(text.split(), is_split_into_words=True, truncation=True, max_length=MAX_TAGS)
        slot_ids = [-100 if w is None else SLOTS.index(slots[w]) for w in enc.word_ids()]
        enc["labels"] = slot_ids
        return enc


torch.manual_seed(0)
tok = BertTokenizer(write_vocab(tempfile.mkdtemp()))
model = DistilBertForTokenClassification(DistilBertConfig(vocab_size=len(tok), dim=32, n_layers=2, n_heads=2,
                                                          hidden_dim=64, max_position_embeddings=64,
                                                          num_labels=len(SLOTS)))
collator = DataCollatorForTokenClassification(tok)
loader = DataLoader(SlotDataset(REQUESTS, tok), batch_size=2, collate_fn=collator)
optim = torch.optim.AdamW(model.parameters(), lr=5e-4)

model.train()
for epoch in range(2):
    for batch in loader:
        loss = model(**batch).loss
        loss.backward()
        optim.step()
        optim.zero_grad()
    print(f"epoch {epoch} loss {loss.item():.3f}")
