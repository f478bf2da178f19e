"""Intent classifier: a BERT encoder and a classifier on the mean of the token states, trained one step."""
import torch
import torch.nn as nn
from transformers import BertConfig, BertModel


class IntentModel(nn.Module):
    def __init__(self, cfg, intents):
        super().__init__()
        self.bert = BertModel(cfg)
        self.drop = nn.Dropout(0.1)
        self.classifier = nn.Linear(cfg.intermediate_size, len(intents))

    def forward(self, input_ids, attention_mask):
        states = self.bert(input_ids, attention_mask=attention_mask)[0]
        m = attention_mask.unsqueeze(-1).float()
        pooled = (states * m).sum(1) / m.sum(1)
        return self.classifier(self.drop(pooled))


def step(model, ids, mask, gold):
    loss = nn.functional.cross_entropy(model(ids, mask), gold)
    loss.backward()
    return loss.item()


cfg = BertConfig(vocab_size=40, hidden_size=24, num_hidden_layers=1, num_attention_heads=2, intermediate_size=48)
model = IntentModel(cfg, ["greet", "bye", "order"])
ids = torch.randint(1, 40, (3, 7))
print(step(model, ids, torch.ones_like(ids), torch.tensor([0, 2, 1])))
