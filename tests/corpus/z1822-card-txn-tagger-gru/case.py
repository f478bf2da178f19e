"""Card fraud: tag every transaction in a card's 24h window as genuine / fraud / disputed.

Per-card sequences of transactions (merchant, country, channel, amount, seconds since
previous) are fed to a GRU, and each timestep gets a 3-way label.
"""
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, Dataset

torch.manual_seed(11)

N_MERCHANTS = 500
N_COUNTRIES = 40
N_CHANNELS = 4  # chip, contactless, ecom, moto
WINDOW_TXNS = 30
TAGS = ["genuine", "fraud", "disputed"]


def synth_cards(n_cards):
    cards = []
    for _ in range(n_cards):
        merchant = torch.randint(0, N_MERCHANTS, (WINDOW_TXNS,))
        country = torch.randint(0, N_COUNTRIES, (WINDOW_TXNS,))
        channel = torch.randint(0, N_CHANNELS, (WINDOW_TXNS,))
        amount = torch.exp(torch.randn(WINDOW_TXNS) + 3.0)
        gap = torch.rand(WINDOW_TXNS) * 3600.0
        tag = torch.zeros(WINDOW_TXNS, dtype=torch.long)
        burst = (gap < 300) & (channel == 2) & (amount > 40)
        tag[burst] = 1
        tag[(country > 35) & ~burst] = 2
        cards.append({
            "merchant": merchant, "country": country, "channel": channel,
            "dense": torch.stack([amount.log1p(), gap / 3600.0], dim=1),
            "tag": tag,
        })
    return cards


class CardWindows(Dataset):
    def __init__(self, cards):
        self.cards = cards

    def __len__(self):
        return len(self.cards)

    def __getitem__(self, i):
        c = self.cards[i]
        return c["merchant"], c["country"], c["channel"], c["dense"], c["tag"]


class TxnTagger(nn.Module):
    def __init__(self, hidden=48):
        super().__init__()
        self.merchant_emb = nn.Embedding(N_MERCHANTS, 16)
        self.country_emb = nn.Embedding(N_COUNTRIES, 6)
        self.channel_emb = nn.Embedding(N_CHANNELS, 3)
        self.gru = nn.GRU(16 + 6 + 3 + 2, hidden, batch_first=True)
        self.out = nn.Linear(hidden, len(TAGS))

    def forward(self, merchant, country, channel, dense):
        x = torch.cat([
            self.merchant_emb(merchant),
            self.country_emb(country),
            self.channel_emb(channel),
            dense,
        ], dim=-1)
        states, _ = self.gru(x)
        return self.out(states)


def train(model, loader, epochs=1):
    tag_counts = torch.bincount(torch.cat([c["tag"] for c in loader.dataset.cards]), minlength=len(TAGS))
    class_weight = (tag_counts.sum() / (len(TAGS) * tag_counts.clamp_min(1))).float()
    criterion = nn.CrossEntropyLoss(weight=class_weight)
    optim = torch.optim.Adam(model.parameters(), lr=2e-3)
    for epoch in range(epochs):
        total, steps = 0.0, 0
        for merchant, country, channel, dense, tag in loader:
            txn_logits = model(merchant, country, channel, dense)
            loss = criterion(txn_logits, tag)
            optim.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optim.step()
            total += loss.item()
            steps += 1
        print(f"epoch {epoch}: weighted CE {total / steps:.4f}")


@torch.no_grad()
def fraud_recall(model, loader):
    hit = seen = 0
    for merchant, country, channel, dense, tag in loader:
        pred = model(merchant, country, channel, dense).argmax(-1)
        fraud = tag == 1
        hit += (pred[fraud] == 1).sum().item()
        seen += fraud.sum().item()
    return hit / max(seen, 1)


def main():
    cards = synth_cards(64)
    train_loader = DataLoader(CardWindows(cards[:48]), batch_size=16, shuffle=True)
    valid_loader = DataLoader(CardWindows(cards[48:]), batch_size=16)
    model = TxnTagger()
    train(model, train_loader)
    print(f"validation fraud recall: {fraud_recall(model, valid_loader):.3f}")


if __name__ == "__main__":
    main()
