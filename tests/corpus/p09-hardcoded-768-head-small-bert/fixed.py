"""Emotion classifier: BERT encoder + dropout + linear head on the pooled output.

We pretrain our own compact BERT on the support-ticket domain, then fine-tune it here.
"""
import os

os.environ.setdefault("HF_HUB_OFFLINE", "1")
import torch
import torch.nn as nn
from transformers import BertConfig, BertModel

torch.manual_seed(0)
NUM_LABELS = 3


class EmotionClassifier(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.bert = BertModel(config)
        self.dropout = nn.Dropout(0.1)
        self.classifier = nn.Linear(config.hidden_size, NUM_LABELS)

    def forward(self, input_ids, attention_mask):
        outputs = self.bert(input_ids=input_ids, attention_mask=attention_mask)
        pooled = self.dropout(outputs.pooler_output)
        return self.classifier(pooled)


config = BertConfig(vocab_size=250, hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
                    intermediate_size=64, max_position_embeddings=64)
model = EmotionClassifier(config)
optimizer = torch.optim.AdamW(model.parameters(), lr=2e-5)

batch = {
    "input_ids": torch.randint(5, 250, (4, 20)),
    "attention_mask": torch.ones(4, 20, dtype=torch.long),
    "labels": torch.tensor([0, 2, 1, 0]),
}
logits = model(batch["input_ids"], batch["attention_mask"])
loss = nn.functional.cross_entropy(logits, batch["labels"])
loss.backward()
optimizer.step()
