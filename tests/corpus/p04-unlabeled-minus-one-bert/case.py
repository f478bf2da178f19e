"""Semi-supervised intent classification with a small BERT.

Unlabeled utterances are kept in the same batches (for consistency training later)
and carry label -1 so they can be told apart from the labeled ones.
"""
import os

os.environ.setdefault("HF_HUB_OFFLINE", "1")
import torch
from transformers import BertConfig, BertForSequenceClassification

torch.manual_seed(0)
UNLABELED = -1
INTENTS = ["book_flight", "cancel", "weather"]

config = BertConfig(vocab_size=120, hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
                    intermediate_size=64, max_position_embeddings=64, num_labels=len(INTENTS))
model = BertForSequenceClassification(config)
optimizer = torch.optim.AdamW(model.parameters(), lr=5e-5)


def make_batch(n=6, seq_len=12):
    input_ids = torch.randint(5, 120, (n, seq_len))
    labels = torch.tensor([0, 2, UNLABELED, 1, UNLABELED, 0])
    return {"input_ids": input_ids, "attention_mask": torch.ones_like(input_ids), "labels": labels}


model.train()
for step in range(3):
    batch = make_batch()
    outputs = model(**batch)
    outputs.loss.backward()
    optimizer.step()
    optimizer.zero_grad()
