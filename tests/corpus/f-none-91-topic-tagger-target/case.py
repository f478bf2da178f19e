import torch
import torch.nn as nn
from torch.utils.data import DataLoader, Dataset

torch.manual_seed(0)

TOPICS = ["billing", "shipping", "returns", "account", "technical"]

TICKETS = [
    ("charged twice for my order and the parcel never arrived", ["billing", "shipping"]),
    ("cannot log in after password reset", ["account", "technical"]),
    ("how do i send back a damaged blender", ["returns", "shipping"]),
    ("refund still missing from my card", ["billing", "returns"]),
    ("app crashes when i open order history", ["technical"]),
    ("change the email address on my profile", ["account"]),
    ("tracking number shows no updates for a week", ["shipping"]),
    ("invoice shows wrong tax amount", ["billing"]),
]


def build_vocab(texts):
    words = sorted({w for t in texts for w in t.split()})
    return {w: i + 1 for i, w in enumerate(words)}


class TicketDataset(Dataset):
    def __init__(self, rows, vocab, max_len=12):
        self.rows = rows
        self.vocab = vocab
        self.max_len = max_len

    def __len__(self):
        return len(self.rows)

    def encode(self, text):
        ids = [self.vocab.get(w, 0) for w in text.split()][: self.max_len]
        return torch.tensor(ids + [0] * (self.max_len - len(ids)))

    def __getitem__(self, idx):
        text, topics = self.rows[idx]
        target = torch.tensor(TOPICS.index(topics[0]), dtype=torch.float)
        return self.encode(text), target


class TopicTagger(nn.Module):
    def __init__(self, vocab_size, dim=32):
        super().__init__()
        self.emb = nn.EmbeddingBag(vocab_size, dim, mode="mean", padding_idx=0)
        self.out = nn.Linear(dim, len(TOPICS))

    def forward(self, ids):
        return self.out(self.emb(ids))


def main():
    vocab = build_vocab([t for t, _ in TICKETS])
    ds = TicketDataset(TICKETS, vocab)
    loader = DataLoader(ds, batch_size=4, shuffle=True)
    model = TopicTagger(len(vocab) + 1)
    loss_fn = nn.BCEWithLogitsLoss()
    opt = torch.optim.Adam(model.parameters(), lr=0.05)
    print(f"{len(ds)} tickets, {len(TOPICS)} topics, vocab {len(vocab)}")

    for epoch in range(3):
        total = 0.0
        for ids, target in loader:
            logits = model(ids)
            loss = loss_fn(logits, target)
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item()
        print(f"epoch {epoch} loss {total / len(loader):.4f}")

    model.eval()
    with torch.no_grad():
        ids, _ = ds[0]
        probs = torch.sigmoid(model(ids.unsqueeze(0)))[0]
    tags = [t for t, p in zip(TOPICS, probs.tolist()) if p > 0.5]
    print("ticket:", TICKETS[0][0])
    print("predicted topics:", tags)


if __name__ == "__main__":
    main()
