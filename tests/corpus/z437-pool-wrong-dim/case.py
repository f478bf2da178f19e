"""Sentence-embedding classifier: BERT encoder + masked mean pooling + linear head."""
import os
import tempfile
from dataclasses import dataclass

import torch
import torch.nn as nn
from transformers import BertConfig, BertModel, BertTokenizerFast


@dataclass
class Cfg:
    hidden: int = 32
    layers: int = 2
    heads: int = 4
    num_labels: int = 3
    max_len: int = 24
    lr: float = 5e-4
    epochs: int = 2
    seed: int = 13


cfg = Cfg()
torch.manual_seed(cfg.seed)

words = ("the a service food was great terrible okay slow fast staff friendly rude price cheap "
         "expensive i loved hated it and but not very would come back never again").split()
vocab_dir = tempfile.mkdtemp()
with open(os.path.join(vocab_dir, "vocab.txt"), "w") as fh:
    fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
tokenizer = BertTokenizerFast(os.path.join(vocab_dir, "vocab.txt"))

reviews = [
    ("the food was great and the staff friendly", 2),
    ("terrible service i would never come back", 0),
    ("it was okay but the price was expensive", 1),
    ("i loved it", 2),
    ("rude staff and slow service", 0),
    ("cheap and fast", 2),
    ("not great not terrible", 1),
    ("i hated the food", 0),
    ("would come back again", 2),
    ("the price was okay", 1),
]


def mean_pool(last_hidden, mask):
    mask = mask.unsqueeze(-1).type_as(last_hidden)
    summed = (last_hidden * mask).sum(dim=-1)
    counts = mask.sum(dim=1).clamp(min=1e-6)
    return summed / counts


class ReviewClassifier(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        enc_cfg = BertConfig(
            vocab_size=tokenizer.vocab_size,
            hidden_size=cfg.hidden,
            num_hidden_layers=cfg.layers,
            num_attention_heads=cfg.heads,
            intermediate_size=cfg.hidden * 4,
            max_position_embeddings=64,
        )
        self.encoder = BertModel(enc_cfg, add_pooling_layer=False)
        self.dropout = nn.Dropout(0.1)
        self.head = nn.Linear(cfg.hidden, cfg.num_labels)

    def forward(self, input_ids, attention_mask):
        out = self.encoder(input_ids=input_ids, attention_mask=attention_mask)
        sent = mean_pool(out.last_hidden_state, attention_mask)
        return self.head(self.dropout(sent))


def batches(rows, size):
    for i in range(0, len(rows), size):
        chunk = rows[i:i + size]
        enc = tokenizer([t for t, _ in chunk], padding=True, truncation=True,
                        max_length=cfg.max_len, return_tensors="pt")
        yield enc["input_ids"], enc["attention_mask"], torch.tensor([y for _, y in chunk])


model = ReviewClassifier(cfg)
optim = torch.optim.AdamW(model.parameters(), lr=cfg.lr)
loss_fn = nn.CrossEntropyLoss()

for epoch in range(cfg.epochs):
    model.train()
    total = 0.0
    for ids, mask, y in batches(reviews, 4):
        logits = model(ids, mask)
        loss = loss_fn(logits, y)
        optim.zero_grad()
        loss.backward()
        optim.step()
        total += loss.item()
    print(f"epoch {epoch} loss {total:.3f}")

model.eval()
with torch.no_grad():
    ids, mask, y = next(batches(reviews, len(reviews)))
    preds = model(ids, mask).argmax(-1)
print("train accuracy:", (preds == y).float().mean().item())
