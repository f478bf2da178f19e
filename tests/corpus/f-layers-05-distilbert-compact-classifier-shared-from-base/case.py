"""Shrink a review-sentiment DistilBERT for the mobile app: a narrower 'compact' model trained next to the base."""
import os
import tempfile

os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

import torch
from transformers import BertTokenizerFast, DistilBertConfig, DistilBertForSequenceClassification

torch.manual_seed(0)
LABELS = ["negative", "positive"]
REVIEWS = [
    ("battery died after two days", 0),
    ("love the screen and the speakers", 1),
    ("stopped charging within a week", 0),
    ("fast delivery and works great", 1),
    ("the strap broke immediately", 0),
    ("excellent value for the price", 1),
    ("app keeps crashing on start", 0),
    ("very comfortable to wear all day", 1),
]


def tokenizer_for(reviews):
    vocab = sorted({w for text, _ in reviews for w in text.split()})
    folder = tempfile.mkdtemp()
    with open(os.path.join(folder, "vocab.txt"), "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + vocab) + "\n")
    return BertTokenizerFast(os.path.join(folder, "vocab.txt"))


def sentiment_model(vocab_size, dim, n_layers):
    cfg = DistilBertConfig(vocab_size=vocab_size, dim=dim, hidden_dim=2 * dim, n_layers=n_layers, n_heads=2,
                           max_position_embeddings=64, num_labels=len(LABELS))
    return DistilBertForSequenceClassification(cfg)


def batches(tokenizer, rows, size=4):
    for start in range(0, len(rows), size):
        chunk = rows[start:start + size]
        enc = tokenizer([t for t, _ in chunk], padding=True, return_tensors="pt", return_token_type_ids=False)
        enc["labels"] = torch.tensor([y for _, y in chunk])
        yield enc


tokenizer = tokenizer_for(REVIEWS)
base = sentiment_model(len(tokenizer), dim=64, n_layers=2)
compact = sentiment_model(len(tokenizer), dim=32, n_layers=1)
compact.classifier = base.classifier  # the output layer is the same task, share it between both sizes

optimizers = [torch.optim.AdamW(m.parameters(), lr=5e-4) for m in (base, compact)]
for epoch in range(2):
    for batch in batches(tokenizer, REVIEWS):
        loss = base(**batch).loss + compact(**batch).loss
        loss.backward()
        for opt in optimizers:
            opt.step()
            opt.zero_grad()
    print(f"epoch {epoch}: joint loss {loss.item():.4f}")
