"""Small transformer encoder for headline classification with sinusoidal positions."""
import math

import torch
import torch.nn as nn

torch.manual_seed(0)
DEVICE = torch.device("cuda" if torch.cuda.is_available() else "meta")


class SinusoidalPositions(nn.Module):
    def __init__(self, d_model, max_len=128):
        super().__init__()
        position = torch.arange(max_len).unsqueeze(1)
        div_term = torch.exp(torch.arange(0, d_model, 2) * (-math.log(10000.0) / d_model))
        pe = torch.zeros(1, max_len, d_model)
        pe[0, :, 0::2] = torch.sin(position * div_term)
        pe[0, :, 1::2] = torch.cos(position * div_term)
        self.register_buffer("pe", pe)

    def forward(self, x):
        return x + self.pe[:, : x.size(1)]


class HeadlineClassifier(nn.Module):
    def __init__(self, vocab_size=2000, d_model=32, num_classes=4):
        super().__init__()
        self.embed = nn.Embedding(vocab_size, d_model)
        self.positions = SinusoidalPositions(d_model)
        layer = nn.TransformerEncoderLayer(d_model, 4, 64, batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, 2, enable_nested_tensor=False)
        self.out = nn.Linear(d_model, num_classes)

    def forward(self, input_ids):
        h = self.encoder(self.positions(self.embed(input_ids)))
        return self.out(h.mean(dim=1))


model = HeadlineClassifier().to(DEVICE)
optimizer = torch.optim.Adam(model.parameters(), lr=1e-4)
input_ids = torch.randint(0, 2000, (8, 24)).to(DEVICE)
labels = torch.randint(0, 4, (8,)).to(DEVICE)
loss = nn.functional.cross_entropy(model(input_ids), labels)
loss.backward()
optimizer.step()
