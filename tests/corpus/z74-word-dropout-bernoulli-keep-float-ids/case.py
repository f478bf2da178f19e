"""Spam filter for SMS on a small DistilBERT, with word dropout as regularisation: during training each word
piece is replaced by [UNK] with probability p (special tokens and padding are kept).
"""
import functools
import os
import tempfile

os.environ.setdefault("HF_HUB_OFFLINE", "1")
import torch
from torch.utils.data import DataLoader
from transformers import BertTokenizer, DistilBertConfig, DistilBertForSequenceClassification

torch.manual_seed(0)
SMS = [
    ("win a free cruise reply yes now", 1), ("are you coming to dinner tonight", 0),
    ("urgent your parcel is held pay the fee", 1), ("call me when you land", 0),
    ("you won a voucher claim it today", 1), ("can you pick up milk on the way", 0),
    ("final notice your account will be closed", 1), ("happy birthday see you soon", 0),
]


class TokenNoise:
    """Word dropout: replaces each regular token by unk_id with probability p."""

    def __init__(self, p, unk_id, protected_ids):
        self.p, self.unk_id = p, unk_id
        self.protected = torch.tensor(sorted(protected_ids))

    def __call__(self, input_ids):
        keep = torch.bernoulli(torch.full(input_ids.shape, 1.0 - self.p))
        keep[torch.isin(input_ids, self.protected)] = 1.0
        return input_ids * keep + self.unk_id * (1 - keep)


def collate(rows, tokenizer, noise=None):
    enc = tokenizer([text for text, _ in rows], padding=True, truncation=True, max_length=32, return_tensors="pt")
    if noise is not None:
        enc["input_ids"] = noise(enc["input_ids"])
    enc["labels"] = torch.tensor([label for _, label in rows])
    return enc


folder = tempfile.mkdtemp(prefix="sms-")
with open(os.path.join(folder, "vocab.txt"), "w") as fh:
    fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
                       + sorted({w for t, _ in SMS for w in t.split()})) + "\n")
tokenizer = BertTokenizer(os.path.join(folder, "vocab.txt"))
noise = TokenNoise(p=0.1, unk_id=tokenizer.unk_token_id, protected_ids=tokenizer.all_special_ids)
train_loader = DataLoader(SMS, batch_size=4, shuffle=True,
                          collate_fn=functools.partial(collate, tokenizer=tokenizer, noise=noise))

model = DistilBertForSequenceClassification(DistilBertConfig(
    vocab_size=len(tokenizer), dim=32, n_layers=2, n_heads=2, hidden_dim=64, max_position_embeddings=64,
    num_labels=2))
model.train()
optimizer = torch.optim.AdamW(model.parameters(), lr=1e-3)
for epoch in range(3):
    for batch in train_loader:
        loss = model(**{k: v for k, v in batch.items() if k != "token_type_ids"}).loss
        loss.backward()
        optimizer.step()
        optimizer.zero_grad()
    print(f"epoch {epoch}: loss {loss.item():.3f}")
