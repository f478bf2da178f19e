"""Toxic comment classifier: GRU over word ids with a custom padding collate_fn."""
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, Dataset

torch.manual_seed(0)
PAD_ID = 0


class CommentDataset(Dataset):
    def __init__(self, n=40, vocab_size=500):
        lengths = torch.randint(5, 25, (n,))
        self.items = [(torch.randint(1, vocab_size, (int(l),)).tolist(), i % 2) for i, l in enumerate(lengths)]

    def __len__(self):
        return len(self.items)

    def __getitem__(self, idx):
        return self.items[idx]


def pad_collate(batch):
    max_len = max(len(ids) for ids, _ in batch)
    input_ids = torch.zeros(len(batch), max_len)
    for i, (ids, _) in enumerate(batch):
        input_ids[i, : len(ids)] = torch.tensor(ids)
    labels = torch.tensor([label for _, label in batch])
    return input_ids, labels


class GRUClassifier(nn.Module):
    def __init__(self, vocab_size=500, dim=48):
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, dim, padding_idx=PAD_ID)
        self.gru = nn.GRU(dim, dim, batch_first=True)
        self.out = nn.Linear(dim, 2)

    def forward(self, input_ids):
        _, h = self.gru(self.embedding(input_ids))
        return self.out(h[-1])


model = GRUClassifier()
optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
for input_ids, labels in DataLoader(CommentDataset(), batch_size=8, collate_fn=pad_collate):
    loss = nn.functional.cross_entropy(model(input_ids), labels)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
