"""Long product reviews: split each into overlapping windows, encode them with BERT and max-pool per review."""
import os
import tempfile

import torch
import torch.nn as nn
import torch.nn.functional as F
from transformers import BertConfig, BertModel, BertTokenizerFast

torch.manual_seed(0)
DOC_LEN, WINDOW, STRIDE = 40, 16, 8
REVIEWS = [
    ("the blender arrived quickly and works well at first but after two weeks the motor started to smell "
     "and now it stops after a few seconds so i would not buy it again", 0),
    ("great blender strong motor easy to clean and quiet enough for early mornings", 1),
    ("the lid cracked on day one and customer service never answered my emails", 0),
    ("i use it every day for smoothies and soups and it still works like new after a year of heavy use "
     "the jug is solid and the blades are sharp", 1),
]


def make_tokenizer():
    words = sorted({w for text, _ in REVIEWS for w in text.split()})
    path = os.path.join(tempfile.mkdtemp(), "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return BertTokenizerFast(path)


def sliding_windows(enc):
    """(batch, DOC_LEN) -> (batch * n_windows, WINDOW) plus the matching attention mask."""
    windows = enc["input_ids"].unfold(1, WINDOW, STRIDE)
    n_windows = windows.size(1)
    window_mask = enc["attention_mask"].repeat_interleave(n_windows, dim=0)
    return windows.reshape(-1, WINDOW), window_mask, n_windows


class WindowedReviewModel(nn.Module):
    def __init__(self, vocab_size):
        super().__init__()
        self.bert = BertModel(BertConfig(vocab_size=vocab_size, hidden_size=32, num_hidden_layers=1,
                                         num_attention_heads=2, intermediate_size=64, max_position_embeddings=32))
        self.out = nn.Linear(32, 2)

    def forward(self, enc):
        ids, mask, n_windows = sliding_windows(enc)
        pooled = self.bert(input_ids=ids, attention_mask=mask).pooler_output
        per_review = pooled.view(-1, n_windows, pooled.size(-1)).max(dim=1).values
        return self.out(per_review)


tokenizer = make_tokenizer()
enc = tokenizer([text for text, _ in REVIEWS], padding="max_length", truncation=True, max_length=DOC_LEN,
                return_tensors="pt")
labels = torch.tensor([label for _, label in REVIEWS])
model = WindowedReviewModel(len(tokenizer))
optimizer = torch.optim.AdamW(model.parameters(), lr=1e-3)
for epoch in range(5):
    loss = F.cross_entropy(model(enc), labels)
    loss.backward()
    optimizer.step()
    optimizer.zero_grad()
    print(f"epoch {epoch}: {loss.item():.4f}")
