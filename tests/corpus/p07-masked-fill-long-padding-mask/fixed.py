"""Attention pooling head on top of token embeddings for sentence classification.

Padding positions must not receive attention weight, so their scores are set
to -inf before the softmax.
"""
import torch
import torch.nn as nn

torch.manual_seed(0)


class AttentionPooling(nn.Module):
    def __init__(self, hidden_size):
        super().__init__()
        self.score = nn.Linear(hidden_size, 1)

    def forward(self, hidden_states, attention_mask):
        scores = self.score(hidden_states).squeeze(-1)
        padding_mask = attention_mask == 0
        scores = scores.masked_fill(padding_mask, float("-inf"))
        weights = torch.softmax(scores, dim=-1)
        return torch.einsum("bs,bsh->bh", weights, hidden_states)


class SentenceClassifier(nn.Module):
    def __init__(self, vocab_size=1000, hidden_size=64, num_labels=4):
        super().__init__()
        self.embeddings = nn.Embedding(vocab_size, hidden_size, padding_idx=0)
        self.pool = AttentionPooling(hidden_size)
        self.head = nn.Linear(hidden_size, num_labels)

    def forward(self, input_ids, attention_mask):
        return self.head(self.pool(self.embeddings(input_ids), attention_mask))


lengths = torch.tensor([10, 7, 4, 10])
attention_mask = (torch.arange(10)[None, :] < lengths[:, None]).long()
input_ids = torch.randint(1, 1000, (4, 10)) * attention_mask
model = SentenceClassifier()
logits = model(input_ids, attention_mask)
loss = nn.functional.cross_entropy(logits, torch.tensor([0, 3, 1, 2]))
loss.backward()
