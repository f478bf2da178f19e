"""SMS spam detector: CNN over token ids, trained with a plain DataLoader."""
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, Dataset

torch.manual_seed(0)
MAX_LEN = 16
VOCAB_SIZE = 300


class SmsDataset(Dataset):
    def __init__(self, messages, labels):
        self.messages, self.labels = messages, labels

    def __len__(self):
        return len(self.messages)

    def __getitem__(self, i):
        ids = torch.tensor(self.messages[i][:MAX_LEN], dtype=torch.long)
        return F.pad(ids, (0, MAX_LEN - len(ids))), torch.tensor(self.labels[i])


class TextCNN(nn.Module):
    def __init__(self):
        super().__init__()
        self.emb = nn.Embedding(VOCAB_SIZE, 32, padding_idx=0)
        self.conv = nn.Conv1d(32, 32, kernel_size=3, padding=1)
        self.fc = nn.Linear(32, 2)

    def forward(self, ids):
        h = F.relu(self.conv(self.emb(ids).transpose(1, 2)))
        return self.fc(h.max(dim=2).values)


messages = [torch.randint(1, VOCAB_SIZE, (n,)).tolist() for n in (7, 5, 12, 20, 3, 9, 16, 11)]
labels = [0, 1, 0, 1, 1, 0, 0, 1]
loader = DataLoader(SmsDataset(messages, labels), batch_size=4, shuffle=False)
model = TextCNN()
optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
for epoch in range(3):
    for ids, y in loader:
        loss = F.cross_entropy(model(ids), y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    print(f"epoch {epoch}: {loss.item():.4f}")
