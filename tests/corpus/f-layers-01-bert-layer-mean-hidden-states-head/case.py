"""Sentence-pair similarity probe: the mean-pooled states of every BERT layer are joined into one feature
vector for a small regression head."""
import torch
from torch import nn
from transformers import BertConfig, BertModel

torch.manual_seed(0)


class LayerwiseProbe(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.bert = BertModel(cfg)
        self.head = nn.Linear(cfg.hidden_size * cfg.num_hidden_layers, 1)

    def forward(self, ids, mask):
        outputs = self.bert(input_ids=ids, attention_mask=mask, output_hidden_states=True)
        weights = mask.unsqueeze(-1).float()
        pooled = [(h * weights).sum(1) / weights.sum(1) for h in outputs.hidden_states]
        return self.head(torch.cat(pooled, dim=-1)).squeeze(-1)


cfg = BertConfig(vocab_size=30, hidden_size=16, num_hidden_layers=2, num_attention_heads=2, intermediate_size=32,
                 max_position_embeddings=32)
probe = LayerwiseProbe(cfg)
ids = torch.randint(1, 30, (3, 9))
mask = torch.ones(3, 9, dtype=torch.long)
print(probe(ids, mask).shape)
