"""Dialogue response ranking: [CLS] context [SEP] persona [SEP] response [SEP].

Each of the three parts gets its own segment id before going through a small
transformer encoder with BERT-style segment embeddings.
"""
import torch
import torch.nn as nn

torch.manual_seed(0)
NUM_SEGMENTS = 2
CLS, SEP = 1, 2


class DialogueEncoder(nn.Module):
    def __init__(self, vocab_size=100, hidden=32, max_len=64):
        super().__init__()
        self.tok = nn.Embedding(vocab_size, hidden)
        self.pos = nn.Embedding(max_len, hidden)
        self.seg = nn.Embedding(NUM_SEGMENTS, hidden)
        layer = nn.TransformerEncoderLayer(hidden, nhead=2, dim_feedforward=64, batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, num_layers=2)
        self.head = nn.Linear(hidden, 1)

    def forward(self, input_ids, segment_ids):
        positions = torch.arange(input_ids.size(1)).unsqueeze(0)
        x = self.tok(input_ids) + self.pos(positions) + self.seg(segment_ids)
        return self.head(self.encoder(x)[:, 0]).squeeze(-1)


def build_example(context, persona, response):
    input_ids = [CLS] + context + [SEP] + persona + [SEP] + response + [SEP]
    segment_ids = [0] * (len(context) + 2) + [1] * (len(persona) + 1) + [2] * (len(response) + 1)
    return torch.tensor(input_ids), torch.tensor(segment_ids)


model = DialogueEncoder()
examples = [build_example([10, 11, 12], [20, 21], [30, 31, 32]),
            build_example([13, 14, 15], [22, 23], [33, 34, 35])]
input_ids = torch.stack([ids for ids, _ in examples])
segment_ids = torch.stack([seg for _, seg in examples])
scores = model(input_ids, segment_ids)
loss = nn.functional.binary_cross_entropy_with_logits(scores, torch.tensor([1.0, 0.0]))
loss.backward()
