"""Fine-tune a binary sentiment checkpoint for three-way emotion detection."""
import os
import tempfile

os.environ.setdefault("HF_HUB_OFFLINE", "1")
import torch
from transformers import AutoModelForSequenceClassification, BertConfig, BertForSequenceClassification

EMOTIONS = {"joy": 0, "anger": 1, "fear": 2}

# stands in for a sentiment checkpoint on the hub: a tiny binary classifier saved to disk
checkpoint = tempfile.mkdtemp()
BertForSequenceClassification(BertConfig(vocab_size=80, hidden_size=16, num_hidden_layers=1, num_attention_heads=2,
                                         intermediate_size=32, max_position_embeddings=32)).save_pretrained(checkpoint)

model = AutoModelForSequenceClassification.from_pretrained(checkpoint, num_labels=len(EMOTIONS), ignore_mismatched_sizes=True)
texts = torch.randint(5, 80, (3, 8))
gold = torch.tensor([EMOTIONS[e] for e in ["fear", "joy", "anger"]])
out = model(input_ids=texts, labels=gold)
out.loss.backward()
print(out.loss.item())
