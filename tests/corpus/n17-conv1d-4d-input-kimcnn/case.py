"""Kim (2014) CNN for sentence classification, ported from a Conv2d implementation to Conv1d."""
import torch
import torch.nn as nn

torch.manual_seed(0)


class KimCNN(nn.Module):
    def __init__(self, vocab_size=5000, emb_dim=50, num_filters=16, kernel_sizes=(3, 4, 5), num_classes=2):
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, emb_dim, padding_idx=0)
        self.convs = nn.ModuleList(nn.Conv1d(emb_dim, num_filters, k) for k in kernel_sizes)
        self.dropout = nn.Dropout(0.5)
        self.fc = nn.Linear(num_filters * len(kernel_sizes), num_classes)

    def forward(self, ids):
        x = self.embedding(ids).transpose(1, 2).unsqueeze(1)  # (B, 1, emb_dim, L)
        pooled = [torch.relu(conv(x)).max(dim=2).values for conv in self.convs]
        return self.fc(self.dropout(torch.cat(pooled, dim=1)))


model = KimCNN()
optimizer = torch.optim.Adadelta(model.parameters())
for step in range(3):
    ids = torch.randint(1, 5000, (4, 20))
    labels = torch.randint(0, 2, (4,))
    loss = nn.functional.cross_entropy(model(ids), labels)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
