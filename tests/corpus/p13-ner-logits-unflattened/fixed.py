"""BiLSTM-CNN named entity recognizer, BIO tagging over 12 tags."""
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, TensorDataset

torch.manual_seed(0)
NUM_TAGS = 12
MAX_LEN = 30
BATCH_SIZE = 8


class NERTagger(nn.Module):
    def __init__(self, vocab_size=3000, emb_dim=50, hidden=64):
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, emb_dim, padding_idx=0)
        self.conv = nn.Conv1d(emb_dim, emb_dim, kernel_size=3, padding=1)
        self.lstm = nn.LSTM(emb_dim, hidden, batch_first=True, bidirectional=True)
        self.tag_head = nn.Linear(2 * hidden, NUM_TAGS)

    def forward(self, token_ids):
        x = self.embedding(token_ids)
        x = torch.relu(self.conv(x.transpose(1, 2))).transpose(1, 2)
        x, _ = self.lstm(x)
        return self.tag_head(x)


tokens = torch.randint(1, 3000, (64, MAX_LEN))
tags = torch.randint(0, NUM_TAGS, (64, MAX_LEN))
loader = DataLoader(TensorDataset(tokens, tags), batch_size=BATCH_SIZE, shuffle=True)

model = NERTagger()
optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
criterion = nn.CrossEntropyLoss()

for epoch in range(2):
    for token_ids, tag_ids in loader:
        logits = model(token_ids)
        loss = criterion(logits.view(-1, NUM_TAGS), tag_ids.view(-1))
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
