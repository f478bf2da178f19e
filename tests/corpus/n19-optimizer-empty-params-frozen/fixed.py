"""Linear-probe fine-tuning: freeze the pretrained encoder, train only the classification head."""
import torch
import torch.nn as nn

torch.manual_seed(0)


class Encoder(nn.Module):
    def __init__(self, vocab_size=1000, dim=64):
        super().__init__()
        self.embed = nn.Embedding(vocab_size, dim)
        layer = nn.TransformerEncoderLayer(dim, 4, 128, batch_first=True)
        self.layers = nn.TransformerEncoder(layer, 2, enable_nested_tensor=False)

    def forward(self, ids):
        return self.layers(self.embed(ids)).mean(dim=1)


class ProbeModel(nn.Module):
    def __init__(self, num_labels=5):
        super().__init__()
        self.encoder = Encoder()
        self.head = nn.Linear(64, num_labels)

    def forward(self, ids):
        return self.head(self.encoder(ids))


model = ProbeModel()
for param in model.encoder.parameters():
    param.requires_grad = False
trainable = [p for p in model.parameters() if p.requires_grad]
optimizer = torch.optim.AdamW(trainable, lr=1e-3, weight_decay=0.01)

ids, labels = torch.randint(0, 1000, (8, 16)), torch.randint(0, 5, (8,))
loss = nn.functional.cross_entropy(model(ids), labels)
loss.backward()
optimizer.step()
