"""Emotion classifier: DistilBERT encoder + a small head on the first token, evaluated on a dev batch."""
import torch
import torch.nn as nn
from transformers import DistilBertConfig, DistilBertModel

torch.manual_seed(0)
EMOTIONS = ["joy", "anger", "sadness"]


class EmotionClassifier(nn.Module):
    def __init__(self, config: DistilBertConfig, n_labels: int):
        super().__init__()
        self.encoder = DistilBertModel(config)
        self.head = nn.Sequential(nn.Dropout(config.seq_classif_dropout),
                                  nn.Linear(self.encoder.config.hidden_dim, n_labels))

    def forward(self, input_ids, attention_mask):
        hidden = self.encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
        return self.head(hidden[:, 0])


config = DistilBertConfig(vocab_size=120, dim=32, hidden_dim=128, n_layers=2, n_heads=4)
clf = EmotionClassifier(config, len(EMOTIONS)).eval()
input_ids = torch.randint(5, 120, (4, 10))
attention_mask = torch.ones_like(input_ids)
with torch.no_grad():
    pred = clf(input_ids, attention_mask).argmax(-1)
print([EMOTIONS[i] for i in pred])
