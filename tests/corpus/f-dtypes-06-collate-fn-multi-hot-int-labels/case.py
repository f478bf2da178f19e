import os
import tempfile
from functools import partial

import torch
from torch.utils.data import DataLoader
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

TAGS = ["billing", "shipping", "refund", "account"]
VOCAB = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "my", "order", "never", "arrived",
         "and", "i", "want", "a", "refund", "charged", "twice", "for", "the", "same",
         "cannot", "log", "in", "to", "account", "package", "is", "late", "card"]

TICKETS = [
    ("my order never arrived and i want a refund", [0, 1, 1, 0]),
    ("charged twice for the same order", [1, 0, 1, 0]),
    ("cannot log in to my account", [0, 0, 0, 1]),
    ("package is late", [0, 1, 0, 0]),
    ("my card charged twice and i cannot log in", [1, 0, 0, 1]),
    ("i want a refund for the late package", [0, 1, 1, 0]),
]


def build_tokenizer(workdir):
    path = os.path.join(workdir, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(VOCAB) + "\n")
    return BertTokenizer(path)


def collate_tickets(rows, tokenizer):
    texts = [text for text, _ in rows]
    multi_hot = [tags for _, tags in rows]
    batch = tokenizer(texts, padding=True, truncation=True, max_length=32, return_tensors="pt")
    batch["labels"] = torch.tensor(multi_hot)
    return dict(batch)


def main():
    torch.manual_seed(0)
    with tempfile.TemporaryDirectory() as workdir:
        tokenizer = build_tokenizer(workdir)
    config = BertConfig(vocab_size=len(VOCAB), hidden_size=32, num_hidden_layers=1,
                        num_attention_heads=2, intermediate_size=64, max_position_embeddings=64,
                        num_labels=len(TAGS), problem_type="multi_label_classification")
    model = BertForSequenceClassification(config)
    loader = DataLoader(TICKETS, batch_size=3, shuffle=True, collate_fn=partial(collate_tickets, tokenizer=tokenizer))
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-3)

    model.train()
    for epoch in range(2):
        total = 0.0
        for batch in loader:
            optimizer.zero_grad()
            out = model(**batch)
            out.loss.backward()
            optimizer.step()
            total += out.loss.item()
        print(f"epoch {epoch} loss {total / len(loader):.4f}")


if __name__ == "__main__":
    main()
