"""Triage IT support tickets into queues with a small EmbeddingBag model, then print a per-ticket report."""
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, Dataset

QUEUES = ["network", "hardware", "accounts"]
TICKETS = [
    ("vpn drops every few minutes from home", 0),
    ("laptop screen flickers after the update", 1),
    ("cannot reset my password from the portal", 2),
    ("wifi in meeting room b is very slow", 0),
    ("keyboard keys stick on the new laptop", 1),
    ("locked out of my account after three tries", 2),
    ("printer on floor two shows paper jam", 1),
    ("new starter needs an email account", 2),
    ("cannot reach the shared drive over vpn", 0),
    ("docking station does not charge the laptop", 1),
    ("password expired while on holiday", 2),
]
BATCH_SIZE = 4

vocab = {w: i for i, w in enumerate(sorted({w for t, _ in TICKETS for w in t.split()}))}


class TicketSet(Dataset):
    def __init__(self, rows):
        self.rows = rows

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, idx):
        text, queue = self.rows[idx]
        return torch.tensor([vocab[w] for w in text.split()]), queue


def collate(batch):
    ids = [b[0] for b in batch]
    offsets = torch.tensor([0] + [len(x) for x in ids[:-1]]).cumsum(0)
    return torch.cat(ids), offsets, torch.tensor([b[1] for b in batch])


def make_loader(ds, shuffle):
    return DataLoader(ds, batch_size=BATCH_SIZE, shuffle=shuffle, drop_last=True, collate_fn=collate)


torch.manual_seed(0)
dataset = TicketSet(TICKETS)
bag = nn.EmbeddingBag(len(vocab), 24, mode="mean")
head = nn.Linear(24, len(QUEUES))
optimizer = torch.optim.Adam(list(bag.parameters()) + list(head.parameters()), lr=0.05)
loss_fn = nn.CrossEntropyLoss()

for epoch in range(15):
    for ids, offsets, queues in make_loader(dataset, shuffle=True):
        loss = loss_fn(head(bag(ids, offsets)), queues)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()

predicted = []
with torch.no_grad():
    for ids, offsets, _ in make_loader(dataset, shuffle=False):
        predicted.append(head(bag(ids, offsets)).argmax(-1))
predicted = torch.cat(predicted)

correct = 0
for i in range(len(dataset)):
    text, queue = TICKETS[i]
    guess = predicted[i].item()
    correct += int(guess == queue)
    print(f"{QUEUES[guess]:>9} | {QUEUES[queue]:>9} | {text}")
print(f"accuracy: {correct / len(dataset):.2f}")
