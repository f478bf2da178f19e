"""Kim-style text CNN over word embeddings."""
import torch
import torch.nn as nn

EMB = 50


class TextCNN(nn.Module):
    def __init__(self, vocab=500, n_filters=16, n_classes=2):
        super().__init__()
        self.embedding = nn.Embedding(vocab, EMB)
        self.conv = nn.Conv1d(EMB, n_filters, kernel_size=3)
        self.fc = nn.Linear(n_filters, n_classes)

    def forward(self, tokens):
        emb = self.embedding(tokens)
        feats = torch.relu(self.conv(emb.transpose(1, 2))).max(dim=2).values
        return self.fc(feats)


torch.manual_seed(0)
cnn = TextCNN()
print(cnn(torch.randint(0, 500, (4, 30))).shape)
