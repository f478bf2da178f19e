"""Toxicity classifier: a BERT encoder with a linear head, trained in a plain loop."""
import os

os.environ.setdefault("HF_HUB_OFFLINE", "1")
import torch
import torch.nn as nn
from transformers import BertConfig, BertModel


class ToxicityModel(nn.Module):
    def __init__(self):
        super().__init__()
        self.encoder = BertModel(BertConfig(vocab_size=120, hidden_size=24, num_hidden_layers=1,
                                            num_attention_heads=2, intermediate_size=48, max_position_embeddings=40))
        self.head = nn.Linear(24, 2)

    def forward(self, input_ids, attention_mask):
        hidden = self.encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
        return self.head(hidden[:, 0])


torch.manual_seed(0)
net = ToxicityModel()
opt = torch.optim.AdamW(net.parameters(), lr=1e-3)
ids = torch.randint(5, 120, (4, 12))
mask = torch.ones_like(ids)
target = torch.tensor([0, 1, 1, 0])
for _ in range(2):
    logits = net(ids, mask)
    loss = nn.CrossEntropyLoss()(logits, target)
    opt.zero_grad()
    loss.backward()
    opt.step()
print(loss.item())
