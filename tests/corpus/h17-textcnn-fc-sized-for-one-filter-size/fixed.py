"""Kim (2014) CNN for sentence classification, hyper-parameters in a config dict."""
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)
cfg = {"vocab_size": 200, "embedding_dim": 20, "n_filters": 16, "filter_sizes": [2, 3, 4], "output_dim": 2,
       "dropout": 0.5, "pad_idx": 0}


class CNN(nn.Module):
    def __init__(self, vocab_size, embedding_dim, n_filters, filter_sizes, output_dim, dropout, pad_idx):
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, embedding_dim, padding_idx=pad_idx)
        self.convs = nn.ModuleList([nn.Conv1d(embedding_dim, n_filters, fs) for fs in filter_sizes])
        self.fc = nn.Linear(len(filter_sizes) * n_filters, output_dim)
        self.dropout = nn.Dropout(dropout)

    def forward(self, text):
        embedded = self.embedding(text).permute(0, 2, 1)  # [batch, emb dim, sent len]
        conved = [F.relu(conv(embedded)) for conv in self.convs]
        pooled = [F.max_pool1d(c, c.shape[2]).squeeze(2) for c in conved]
        cat = self.dropout(torch.cat(pooled, dim=1))
        return self.fc(cat)


model = CNN(**cfg)
text = torch.randint(1, cfg["vocab_size"], (4, 12))
label = torch.tensor([0, 1, 1, 0])
optimizer = torch.optim.Adam(model.parameters())
loss = F.cross_entropy(model(text), label)
loss.backward()
optimizer.step()
print(loss.item())
