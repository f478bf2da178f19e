"""Predict review helpfulness from the review text (tiny BERT [CLS]) plus review metadata features."""
import os
import tempfile
from dataclasses import dataclass

import torch
import torch.nn as nn
from transformers import BertConfig, BertModel, BertTokenizerFast


@dataclass
class Review:
    text: str
    stars: int
    has_photo: bool
    helpful_votes: int


REVIEWS = [
    Review("fits true to size and the fabric is soft after washing", 5, True, 14),
    Review("bad", 1, False, 0),
    Review("zipper broke after two weeks but support sent a replacement", 3, True, 9),
    Review("ok i guess", 3, False, 1),
    Review("great for hiking the soles grip well on wet rock", 5, False, 11),
    Review("colour is darker than the photos", 4, True, 6),
]


def metadata(reviews):
    return torch.tensor([[len(r.text.split()) / 20, r.stars / 5, float(r.has_photo)] for r in reviews])


class HelpfulnessRegressor(nn.Module):
    def __init__(self, vocab_size, hidden=32, n_meta=3):
        super().__init__()
        self.bert = BertModel(BertConfig(vocab_size=vocab_size, hidden_size=hidden, num_hidden_layers=1,
                                         num_attention_heads=2, intermediate_size=64, max_position_embeddings=32))
        self.head = nn.Sequential(nn.Linear(hidden + n_meta, 16), nn.ReLU(), nn.Linear(16, 1))

    def forward(self, input_ids, attention_mask, meta):
        cls = self.bert(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state[:, 0]
        return self.head(torch.cat([cls, meta], dim=-1)).squeeze(-1)


def main():
    torch.manual_seed(0)
    path = os.path.join(tempfile.mkdtemp(), "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
                           + sorted({w for r in REVIEWS for w in r.text.split()})) + "\n")
    tokenizer = BertTokenizerFast(path)
    enc = tokenizer([r.text for r in REVIEWS], padding=True, return_tensors="pt")
    meta = metadata(REVIEWS)
    target = torch.log1p(torch.tensor([float(r.helpful_votes) for r in REVIEWS]))

    model = HelpfulnessRegressor(len(tokenizer))
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-3)
    for step in range(20):
        pred = model(enc["input_ids"], enc["attention_mask"], meta)
        loss = nn.functional.mse_loss(pred, target)
        loss.backward()
        optimizer.step()
        optimizer.zero_grad()
    print(f"mse after {step + 1} steps: {loss.item():.4f}")


if __name__ == "__main__":
    main()
