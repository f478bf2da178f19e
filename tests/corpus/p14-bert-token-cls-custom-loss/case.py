"""Keyphrase extraction as token classification (B/I/O + 2 aux tags) with a BERT encoder.

We use a custom head so that we can add a CRF later; for now the loss is plain cross-entropy.
"""
import os

os.environ.setdefault("HF_HUB_OFFLINE", "1")
import torch
import torch.nn as nn
import torch.nn.functional as F
from transformers import BertConfig, BertModel

torch.manual_seed(0)
NUM_TAGS = 5


class KeyphraseTagger(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.bert = BertModel(config, add_pooling_layer=False)
        self.dropout = nn.Dropout(config.hidden_dropout_prob)
        self.tagger = nn.Linear(config.hidden_size, NUM_TAGS)

    def forward(self, input_ids, attention_mask, labels=None):
        sequence_output = self.bert(input_ids, attention_mask=attention_mask).last_hidden_state
        logits = self.tagger(self.dropout(sequence_output))
        loss = None
        if labels is not None:
            loss = F.cross_entropy(logits, labels, ignore_index=-100)
        return loss, logits


config = BertConfig(vocab_size=300, hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
                    intermediate_size=64, max_position_embeddings=64)
model = KeyphraseTagger(config)
batch = {
    "input_ids": torch.randint(5, 300, (4, 16)),
    "attention_mask": torch.ones(4, 16, dtype=torch.long),
    "labels": torch.randint(0, NUM_TAGS, (4, 16)),
}
loss, logits = model(**batch)
loss.backward()
