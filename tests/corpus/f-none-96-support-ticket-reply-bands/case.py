import bisect

import torch
import torch.nn as nn
from torch.utils.data import DataLoader, Dataset

torch.manual_seed(0)

EDGES = [30, 90, 180]  # minutes: <30, 30-90, 90-180, >=180
QUEUES = ["billing", "login", "shipping"]

TICKETS = [
    {"text": "charged twice for march invoice", "queue": "billing", "reply_minutes": 45},
    {"text": "cannot reset password link expired", "queue": "login", "reply_minutes": 12},
    {"text": "parcel stuck at depot for a week", "queue": "shipping", "reply_minutes": 210},
    {"text": "refund not showing on card", "queue": "billing", "reply_minutes": 130},
    {"text": "two factor code never arrives", "queue": "login", "reply_minutes": 25},
    {"text": "wrong address on shipping label", "queue": "shipping", "reply_minutes": 95},
    {"text": "invoice shows old company name", "queue": "billing", "reply_minutes": 300},
    {"text": "locked out after too many attempts", "queue": "login", "reply_minutes": 10},
]


def reply_band(minutes):
    return bisect.bisect_right(EDGES, minutes)


def band_target(ticket):
    minutes = ticket["reply_minutes"]
    return minutes


class TicketSet(Dataset):
    def __init__(self, tickets):
        self.vocab = {"<pad>": 0}
        for t in tickets:
            for w in t["text"].split():
                self.vocab.setdefault(w, len(self.vocab))
        self.items = []
        for t in tickets:
            ids = torch.tensor([self.vocab[w] for w in t["text"].split()])
            self.items.append((ids, QUEUES.index(t["queue"]), band_target(t)))

    def __len__(self):
        return len(self.items)

    def __getitem__(self, i):
        return self.items[i]


def collate(batch):
    ids = nn.utils.rnn.pad_sequence([b[0] for b in batch], batch_first=True)
    queue = torch.tensor([b[1] for b in batch])
    band = torch.tensor([b[2] for b in batch])
    return ids, queue, band


class TicketRouter(nn.Module):
    def __init__(self, vocab_size, h=32):
        super().__init__()
        self.emb = nn.EmbeddingBag(vocab_size, h, mode="mean", padding_idx=0)
        self.body = nn.Sequential(nn.Linear(h, h), nn.ReLU())
        self.queue_head = nn.Linear(h, len(QUEUES))
        self.band_head = nn.Linear(h, 4)

    def forward(self, ids):
        z = self.body(self.emb(ids))
        return self.queue_head(z), self.band_head(z)


def main():
    ds = TicketSet(TICKETS)
    print(f"{len(ds)} tickets, vocab {len(ds.vocab)}")
    loader = DataLoader(ds, batch_size=4, shuffle=True, collate_fn=collate)
    model = TicketRouter(len(ds.vocab))
    opt = torch.optim.Adam(model.parameters(), lr=5e-3)
    ce = nn.CrossEntropyLoss()
    for epoch in range(4):
        total = 0.0
        for ids, queue, band in loader:
            queue_logits, band_logits = model(ids)
            loss = ce(queue_logits, queue) + 0.5 * ce(band_logits, band)
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item()
        print(f"epoch {epoch}: loss {total / len(loader):.4f}")


if __name__ == "__main__":
    main()
