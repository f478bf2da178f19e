"""Classify museum catalogue descriptions into collection departments.

Free-text object descriptions from an accession register are tokenised with a
domain WordPiece vocabulary, encoded by a tiny BERT and pooled with a
multi-head attention pool before the department classifier.
"""
import os
import random
from types import SimpleNamespace

import torch
import torch.nn as nn
from transformers import BertConfig, BertModel, BertTokenizer

random.seed(11)
torch.manual_seed(11)

cfg = SimpleNamespace(
    vocab_path="catalogue_vocab.txt",
    max_length=48,
    hidden_size=32,
    n_layers=1,
    n_attn_heads=2,
    n_pool_heads=3,
    batch_size=8,
    lr=5e-4,
    steps=6,
)

DEPARTMENTS = {
    "metalwork": ["bronze", "fibula", "brooch", "iron", "blade", "corroded", "rivet", "buckle"],
    "ceramic": ["sherd", "rim", "glaze", "amphora", "handle", "slip", "wheel", "thrown"],
    "numismatic": ["coin", "denarius", "obverse", "reverse", "emperor", "mint", "silver", "legend"],
    "lithic": ["flint", "flake", "scraper", "core", "knapped", "retouch", "chert", "blade"],
    "textile": ["linen", "wool", "weave", "fragment", "dyed", "thread", "tabby", "loom"],
}
COMMON = ["found", "in", "trench", "context", "accession", "donated", "excavated", "condition",
          "good", "fair", "poor", "roman", "medieval", "neolithic", "with", "and", "of", "the",
          "complete", "incomplete", "cleaned", "conserved"]


def write_vocab(path):
    words = sorted({w for ws in DEPARTMENTS.values() for w in ws} | set(COMMON))
    special = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    with open(path, "w") as fh:
        fh.write("\n".join(special + words + [",", ".", "1923", "1958", "1987"]) + "\n")


def fake_catalogue_entry(dept):
    words = random.sample(DEPARTMENTS[dept], k=4) + random.sample(COMMON, k=random.randint(4, 14))
    random.shuffle(words)
    year = random.choice(["1923", "1958", "1987"])
    return " ".join(words) + f" , accession {year} ."


class AttentionPool(nn.Module):
    def __init__(self, hidden_size, n_heads):
        super().__init__()
        self.n_heads = n_heads
        self.head_dim = hidden_size // n_heads
        self.score = nn.Linear(hidden_size, n_heads)

    def forward(self, hidden, attention_mask):
        b, s, _ = hidden.shape
        scores = self.score(hidden)
        scores = scores.masked_fill(~attention_mask.bool().unsqueeze(-1), float("-inf"))
        weights = scores.softmax(dim=1)
        values = hidden.view(b, s, self.n_heads, self.head_dim)
        pooled = torch.einsum("bsh,bshd->bhd", weights, values)
        return pooled.reshape(b, self.n_heads * self.head_dim)


class CatalogueClassifier(nn.Module):
    def __init__(self, vocab_size, n_classes):
        super().__init__()
        bert_cfg = BertConfig(
            vocab_size=vocab_size,
            hidden_size=cfg.hidden_size,
            num_hidden_layers=cfg.n_layers,
            num_attention_heads=cfg.n_attn_heads,
            intermediate_size=4 * cfg.hidden_size,
            max_position_embeddings=64,
        )
        self.encoder = BertModel(bert_cfg, add_pooling_layer=False)
        self.pool = AttentionPool(cfg.hidden_size, cfg.n_pool_heads)
        self.head = nn.Linear(cfg.n_pool_heads * self.pool.head_dim, n_classes)

    def forward(self, input_ids, attention_mask):
        hidden = self.encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
        return self.head(self.pool(hidden, attention_mask))


def make_batches(tokenizer, texts, labels):
    for i in range(0, len(texts), cfg.batch_size):
        enc = tokenizer(texts[i:i + cfg.batch_size], padding="max_length", truncation=True,
                        max_length=cfg.max_length, return_tensors="pt")
        yield enc["input_ids"], enc["attention_mask"], torch.tensor(labels[i:i + cfg.batch_size])


def main():
    if not os.path.exists(cfg.vocab_path):
        write_vocab(cfg.vocab_path)
    tokenizer = BertTokenizer(cfg.vocab_path)

    dept_names = list(DEPARTMENTS)
    labels = [random.randrange(len(dept_names)) for _ in range(cfg.batch_size * cfg.steps)]
    texts = [fake_catalogue_entry(dept_names[y]) for y in labels]

    model = CatalogueClassifier(tokenizer.vocab_size, len(dept_names))
    optimiser = torch.optim.AdamW(model.parameters(), lr=cfg.lr)
    loss_fn = nn.CrossEntropyLoss()

    model.train()
    for step, (input_ids, attention_mask, y) in enumerate(make_batches(tokenizer, texts, labels)):
        logits = model(input_ids, attention_mask)
        loss = loss_fn(logits, y)
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()
        print(f"step {step} loss {loss.item():.4f}")


if __name__ == "__main__":
    main()
