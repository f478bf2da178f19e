import os
import tempfile
from dataclasses import dataclass

import torch
import torch.nn as nn
import torch.nn.functional as F
from transformers import BertConfig, BertModel, BertTokenizer

TAGS = ["O", "B-NUM", "B-STREET", "B-CITY", "B-ZIP"]

ADDRESSES = [
    ("12 baker street london", ["B-NUM", "B-STREET", "O", "B-CITY"]),
    ("ship to 4 elm road leeds", ["O", "O", "B-NUM", "B-STREET", "O", "B-CITY"]),
    ("221 high street oxford ox1", ["B-NUM", "B-STREET", "O", "B-CITY", "B-ZIP"]),
    ("flat 7 mill lane york", ["O", "B-NUM", "B-STREET", "O", "B-CITY"]),
    ("deliver 90 park road bath ba2", ["O", "B-NUM", "B-STREET", "O", "B-CITY", "B-ZIP"]),
    ("3 church lane leeds", ["B-NUM", "B-STREET", "O", "B-CITY"]),
]


@dataclass
class TaggerConfig:
    max_len: int = 12
    batch_size: int = 4
    lr: float = 5e-4
    epochs: int = 3


def write_vocab(folder):
    words = sorted({w for text, _ in ADDRESSES for w in text.split()})
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(specials + words) + "\n")
    return path


def encode(tokenizer, cfg):
    enc = tokenizer([t for t, _ in ADDRESSES], padding="max_length",
                    max_length=cfg.max_len, truncation=True, return_tensors="pt")
    labels = torch.full((len(ADDRESSES), cfg.max_len), -100, dtype=torch.long)
    for i, (_, tags) in enumerate(ADDRESSES):
        for j, tag in enumerate(tags):
            labels[i, j + 1] = TAGS.index(tag)
    return enc["input_ids"], enc["attention_mask"], labels


class AddressTagger(nn.Module):
    def __init__(self, vocab_size, n_tags):
        super().__init__()
        bert_cfg = BertConfig(vocab_size=vocab_size, hidden_size=32, num_hidden_layers=1,
                              num_attention_heads=2, intermediate_size=64)
        self.encoder = BertModel(bert_cfg)
        self.dropout = nn.Dropout(0.1)
        self.tag_head = nn.Linear(bert_cfg.hidden_size, n_tags)
        self.n_tags = n_tags

    def forward(self, input_ids, attention_mask, labels=None):
        out = self.encoder(input_ids=input_ids, attention_mask=attention_mask)
        hidden = self.dropout(out[1])
        logits = self.tag_head(hidden)
        loss = None
        if labels is not None:
            loss = F.cross_entropy(logits.view(-1, self.n_tags), labels.view(-1),
                                   ignore_index=-100)
        return loss, logits


def train(cfg):
    with tempfile.TemporaryDirectory() as tmp:
        tokenizer = BertTokenizer(write_vocab(tmp))
    ids, mask, labels = encode(tokenizer, cfg)
    model = AddressTagger(tokenizer.vocab_size, len(TAGS))
    opt = torch.optim.AdamW(model.parameters(), lr=cfg.lr)
    model.train()
    for epoch in range(cfg.epochs):
        total = 0.0
        for s in range(0, len(ids), cfg.batch_size):
            sl = slice(s, s + cfg.batch_size)
            loss, _ = model(ids[sl], mask[sl], labels[sl])
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item()
        print(f"epoch {epoch}: loss {total:.4f}")
    return model


if __name__ == "__main__":
    train(TaggerConfig())
