"""Evaluate a small spam-detection BERT on a handful of held-out messages."""
import os
import tempfile

os.environ.setdefault("HF_HUB_OFFLINE", "1")
import torch
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

torch.manual_seed(0)
VOCAB = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "win", "a", "free", "prize", "now",
         "meeting", "at", "noon", "call", "me", "later", "click", "here"]
with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as f:
    f.write("\n".join(VOCAB))
tokenizer = BertTokenizer(f.name)
config = BertConfig(vocab_size=len(VOCAB), hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
                    intermediate_size=64, max_position_embeddings=64, num_labels=2)
model = BertForSequenceClassification(config)


@torch.no_grad()
def evaluate(texts, labels):
    model.eval()
    batch = tokenizer(texts, padding=True, truncation=True, max_length=32, return_tensors="pt")
    outputs = model(**batch)
    preds = outputs.logits.argmax(dim=-1)
    return (preds == torch.tensor(labels)).float().mean().item()


texts = ["win a free prize now", "meeting at noon", "click here to win", "call me later"]
accuracy = evaluate(texts, [1, 0, 1, 0])
