"""Tiny NLI-style bi-encoder: encode premise and hypothesis separately with a
shared BERT encoder, combine (u, v, |u - v|) and classify into 3 labels."""
import os
import random
import tempfile

import torch
import torch.nn as nn
from transformers import BertConfig, BertModel, BertTokenizerFast

random.seed(0)
torch.manual_seed(0)

WORDS = ["a", "man", "woman", "dog", "cat", "is", "runs", "sleeps", "eats", "the",
         "outside", "inside", "park", "food", "happy", "sad", "not", "plays", "with", "ball"]
LABELS = ["entailment", "neutral", "contradiction"]


def make_tokenizer():
    vocab_dir = tempfile.mkdtemp()
    vocab_path = os.path.join(vocab_dir, "vocab.txt")
    with open(vocab_path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + WORDS) + "\n")
    return BertTokenizerFast(vocab_path)


def random_sentence():
    return " ".join(random.choice(WORDS) for _ in range(random.randint(3, 8)))


pairs = [(random_sentence(), random_sentence(), random.randrange(3)) for _ in range(48)]


class PairClassifier(nn.Module):
    def __init__(self, hidden=32, n_labels=3):
        super().__init__()
        cfg = BertConfig(vocab_size=64, hidden_size=hidden, num_hidden_layers=1,
                         num_attention_heads=2, intermediate_size=64,
                         max_position_embeddings=64)
        self.encoder = BertModel(cfg)
        self.dropout = nn.Dropout(0.1)
        self.head = nn.Linear(3 * hidden, n_labels)

    def embed(self, enc):
        out = self.encoder(input_ids=enc["input_ids"], attention_mask=enc["attention_mask"])
        mask = enc["attention_mask"].unsqueeze(-1).float()
        # mean pooling over real tokens
        return (out.last_hidden_state * mask).sum(1) / mask.sum(1).clamp(min=1.0)

    def forward(self, premise, hypothesis):
        u = self.embed(premise)
        v = self.embed(hypothesis)
        features = torch.cat([u, v, torch.abs(u - v)], dim=-1)
        return self.head(self.dropout(features))


tok = make_tokenizer()
model = PairClassifier()
optim = torch.optim.AdamW(model.parameters(), lr=3e-4)
loss_fn = nn.CrossEntropyLoss()

BATCH = 8
for epoch in range(2):
    random.shuffle(pairs)
    model.train()
    total = 0.0
    for start in range(0, len(pairs), BATCH):
        chunk = pairs[start:start + BATCH]
        prem = tok([p for p, _, _ in chunk], padding=True, return_tensors="pt")
        hyp = tok([h for _, h, _ in chunk], padding=True, return_tensors="pt")
        labels = torch.tensor([y for _, _, y in chunk])

        logits = model(prem, hyp)
        loss = loss_fn(logits, labels)
        optim.zero_grad()
        loss.backward()
        optim.step()
        total += loss.item()
    print(f"epoch {epoch}: loss {total / (len(pairs) // BATCH):.4f}")

model.eval()
with torch.no_grad():
    prem = tok(["a dog runs outside"], return_tensors="pt")
    hyp = tok(["the dog is not inside"], return_tensors="pt")
    pred = model(prem, hyp).argmax(-1).item()
print("prediction:", LABELS[pred])
