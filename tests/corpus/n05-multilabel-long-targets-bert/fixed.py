"""Multi-label topic tagging of support tickets (a ticket can be billing AND login AND bug)."""
import os

os.environ.setdefault("HF_HUB_OFFLINE", "1")
import torch
from transformers import BertConfig, BertForSequenceClassification

torch.manual_seed(0)
TOPICS = ["billing", "login", "bug", "feature_request"]

config = BertConfig(vocab_size=200, hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
                    intermediate_size=64, max_position_embeddings=64, num_labels=len(TOPICS),
                    problem_type="multi_label_classification")
model = BertForSequenceClassification(config)
optimizer = torch.optim.AdamW(model.parameters(), lr=3e-5)


def encode_topics(ticket_topics):
    multi_hot = torch.zeros(len(ticket_topics), len(TOPICS), dtype=torch.float)
    for i, topics in enumerate(ticket_topics):
        for t in topics:
            multi_hot[i, TOPICS.index(t)] = 1
    return multi_hot


tickets = [["billing"], ["login", "bug"], ["feature_request"], ["bug", "billing", "login"]]
input_ids = torch.randint(5, 200, (4, 24))
labels = encode_topics(tickets)
model.train()
outputs = model(input_ids=input_ids, attention_mask=torch.ones_like(input_ids), labels=labels)
outputs.loss.backward()
optimizer.step()
