"""FAQ routing with a mean-pooled bag-of-embeddings encoder and a class-weighted loss (hand-offs to a human
are rare), written with the tutorial helpers get_default_device / to_device / DeviceDataLoader.  The device
is CUDA when available; on CPU-only machines the meta device stands in for the accelerator."""
import torch
import torch.nn as nn
from torch.utils.data import DataLoader

torch.manual_seed(0)


def get_default_device():
    return torch.device("cuda") if torch.cuda.is_available() else torch.device("meta")


def to_device(data, device):
    """Move tensor(s) to the chosen device."""
    if isinstance(data, (list, tuple)):
        return [to_device(x, device) for x in data]
    return data.to(device, non_blocking=True)


class DeviceDataLoader:
    """Wrap a dataloader to move data to a device."""

    def __init__(self, dl, device):
        self.dl, self.device = dl, device

    def __iter__(self):
        for b in self.dl:
            yield to_device(b, self.device)

    def __len__(self):
        return len(self.dl)


questions = [("how do i reset my password", 0), ("where can i see my invoices", 1), ("forgot my password", 0),
             ("download last month invoice", 1), ("change password please", 0), ("billing history", 1),
             ("talk to a human", 2), ("reset password link expired", 0), ("password not accepted", 0)]
vocab = {w: i + 1 for i, w in enumerate(sorted({w for q, _ in questions for w in q.split()}))}


def collate(rows):
    ids = [torch.tensor([vocab[w] for w in q.split()]) for q, _ in rows]
    input_ids = nn.utils.rnn.pad_sequence(ids, batch_first=True)
    return input_ids, (input_ids != 0).long(), torch.tensor([y for _, y in rows])


class MeanEncoder(nn.Module):
    def __init__(self, vocab_size, dim=32, n_answers=3):
        super().__init__()
        self.emb = nn.Embedding(vocab_size, dim, padding_idx=0)
        self.head = nn.Linear(dim, n_answers)

    def forward(self, input_ids, attention_mask):
        h = self.emb(input_ids)
        m = attention_mask.unsqueeze(-1).float()
        pooled = (h * m).sum(1) / m.sum(1).clamp(min=1)
        return self.head(pooled)


counts = torch.bincount(torch.tensor([y for _, y in questions]), minlength=3).float()
class_weights = counts.sum() / (len(counts) * counts)
criterion = nn.CrossEntropyLoss(weight=class_weights)

device = get_default_device()
model = to_device(MeanEncoder(len(vocab) + 1), device)
criterion = to_device(criterion, device)
train_dl = DeviceDataLoader(DataLoader(questions, batch_size=3, shuffle=True, collate_fn=collate), device)
optimizer = torch.optim.SGD(model.parameters(), lr=0.1)

for epoch in range(3):
    for input_ids, attention_mask, labels in train_dl:
        loss = criterion(model(input_ids, attention_mask), labels)
        loss.backward()
        optimizer.step()
        optimizer.zero_grad()
print("trained", len(train_dl), "batches per epoch on", device)
