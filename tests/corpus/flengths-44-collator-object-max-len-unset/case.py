"""Support-ticket urgency with a tiny BERT; batches made by a small collator object."""
import os
import random
import tempfile

import torch
from torch.utils.data import DataLoader
from transformers import BertConfig, BertForSequenceClassification, BertTokenizerFast

random.seed(0)
torch.manual_seed(0)
WORDS = "printer login password reset outage slow email vpn crash urgent please help today again still broken".split()
folder = tempfile.mkdtemp()
with open(os.path.join(folder, "vocab.txt"), "w") as fh:
    fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + WORDS))
tokenizer = BertTokenizerFast(os.path.join(folder, "vocab.txt"))

tickets = [(" ".join(random.choice(WORDS) for _ in range(random.randint(5, 90))), random.randint(0, 2))
           for _ in range(24)]


class TicketCollator:
    def __init__(self, tok, max_len=None):
        self.tok = tok
        self.max_len = max_len

    def __call__(self, rows):
        texts, labels = zip(*rows)
        enc = self.tok(list(texts), padding=True, truncation=self.max_len is not None,
                       max_length=self.max_len, return_tensors="pt")
        enc["labels"] = torch.tensor(labels)
        return enc


config = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                    intermediate_size=64, max_position_embeddings=64, num_labels=3)
model = BertForSequenceClassification(config)
loader = DataLoader(tickets, batch_size=8, shuffle=True, collate_fn=TicketCollator(tokenizer))
optim = torch.optim.AdamW(model.parameters(), lr=1e-3)
for batch in loader:
    out = model(**batch)
    out.loss.backward()
    optim.step()
    optim.zero_grad()
print("trained")
