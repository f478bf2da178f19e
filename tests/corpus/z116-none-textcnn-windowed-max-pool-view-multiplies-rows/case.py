"""Kim-style TextCNN for question-type classification (plain PyTorch)."""
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, TensorDataset

QUESTIONS = [
    ("who wrote the origin of species", "person"), ("where is the eiffel tower", "location"),
    ("when did the berlin wall fall", "date"), ("who painted the mona lisa", "person"),
    ("where do penguins live in the wild", "location"), ("when was the first moon landing", "date"),
    ("who invented the telephone", "person"), ("where is mount kilimanjaro", "location"),
]
CLASSES = ["person", "location", "date"]
SEQ_LEN = 12

vocab = {"<pad>": 0}
for q, _ in QUESTIONS:
    for w in q.split():
        vocab.setdefault(w, len(vocab))


def to_fixed_ids(question):
    ids = [vocab[w] for w in question.split()][:SEQ_LEN]
    return ids + [0] * (SEQ_LEN - len(ids))


class TextCNN(nn.Module):
    def __init__(self, vocab_size, n_classes, emb_dim=32, n_filters=16, kernel=3):
        super().__init__()
        self.n_filters = n_filters
        self.embedding = nn.Embedding(vocab_size, emb_dim, padding_idx=0)
        self.conv = nn.Conv1d(emb_dim, n_filters, kernel_size=kernel)
        self.dropout = nn.Dropout(0.3)
        self.fc = nn.Linear(n_filters, n_classes)

    def forward(self, ids):
        x = self.embedding(ids).permute(0, 2, 1)       # (batch, emb, seq)
        x = F.relu(self.conv(x))                       # (batch, filters, seq - 2)
        x = F.max_pool1d(x, kernel_size=2)             # max over time
        x = x.view(-1, self.n_filters)                 # (batch, filters)
        return self.fc(self.dropout(x))


torch.manual_seed(0)
ids = torch.tensor([to_fixed_ids(q) for q, _ in QUESTIONS])
targets = torch.tensor([CLASSES.index(c) for _, c in QUESTIONS])
loader = DataLoader(TensorDataset(ids, targets), batch_size=4, shuffle=True)

model = TextCNN(len(vocab), len(CLASSES))
optimizer = torch.optim.Adam(model.parameters(), lr=1e-2)
for epoch in range(5):
    for batch_ids, batch_targets in loader:
        logits = model(batch_ids)
        loss = F.cross_entropy(logits, batch_targets)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
print("final loss", round(loss.item(), 4))
