"""Aspect-based sentiment for restaurant reviews: one BERT encoder, one 3-way polarity prediction per aspect
(food, service, price, ambience).  Aspects a review does not talk about are ignored in the loss (-100).
"""
import os
import tempfile
from dataclasses import dataclass

os.environ.setdefault("HF_HUB_OFFLINE", "1")
import torch
import torch.nn as nn
import torch.nn.functional as F
from transformers import BertConfig, BertModel, BertTokenizer

ASPECTS = ["food", "service", "price", "ambience"]
POLARITIES = ["negative", "neutral", "positive"]
NA = -100

REVIEWS = [
    ("the pasta was delicious but the waiter was rude", {"food": 2, "service": 0}),
    ("cheap and cozy place", {"price": 2, "ambience": 2}),
    ("overpriced and the soup was cold", {"price": 0, "food": 0}),
    ("friendly staff nice music", {"service": 2, "ambience": 2}),
    ("average pizza fair prices", {"food": 1, "price": 1}),
    ("loud room slow service", {"ambience": 0, "service": 0}),
    ("great steak great staff", {"food": 2, "service": 2}),
    ("the bill was fine the decor was dated", {"price": 1, "ambience": 0}),
    ("tasty food friendly waiter", {"food": 2, "service": 2}),
    ("noisy and expensive", {"ambience": 0, "price": 0}),
]


@dataclass
class TrainConfig:
    hidden_size: int = 32
    batch_size: int = 5
    epochs: int = 3
    lr: float = 1e-3


class AspectSentimentModel(nn.Module):
    def __init__(self, vocab_size, cfg: TrainConfig):
        super().__init__()
        self.bert = BertModel(BertConfig(vocab_size=vocab_size, hidden_size=cfg.hidden_size, num_hidden_layers=2,
                                         num_attention_heads=2, intermediate_size=64, max_position_embeddings=64))
        self.heads = nn.Linear(cfg.hidden_size, len(ASPECTS) * len(POLARITIES))

    def forward(self, input_ids, attention_mask):
        cls = self.bert(input_ids=input_ids, attention_mask=attention_mask).pooler_output
        return self.heads(cls).view(-1, len(ASPECTS), len(POLARITIES))   # (batch, aspect, polarity)


def aspect_targets(annotations):
    return torch.tensor([[a.get(name, NA) for name in ASPECTS] for a in annotations])   # (batch, aspect)


cfg = TrainConfig()
tmp = tempfile.mkdtemp()
with open(os.path.join(tmp, "vocab.txt"), "w") as fh:
    fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
                       + sorted({w for r, _ in REVIEWS for w in r.split()})) + "\n")
tokenizer = BertTokenizer(os.path.join(tmp, "vocab.txt"))
torch.manual_seed(0)
model = AspectSentimentModel(len(tokenizer), cfg)
optimizer = torch.optim.AdamW(model.parameters(), lr=cfg.lr)

for epoch in range(cfg.epochs):
    for start in range(0, len(REVIEWS), cfg.batch_size):
        texts, annotations = zip(*REVIEWS[start:start + cfg.batch_size])
        enc = tokenizer(list(texts), padding=True, return_tensors="pt")
        logits = model(enc["input_ids"], enc["attention_mask"])
        labels = aspect_targets(annotations)
        loss = F.cross_entropy(logits.view(-1, len(POLARITIES)), labels.view(-1), ignore_index=NA)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    print(f"epoch {epoch}: loss {loss.item():.3f}")
