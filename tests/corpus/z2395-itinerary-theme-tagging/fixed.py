import random

import torch
import torch.nn as nn
from torch.nn.utils.rnn import pad_sequence
from torch.utils.data import DataLoader, Dataset

random.seed(21)
torch.manual_seed(21)

CATEGORIES = ["<pad>", "museum", "gallery", "beach", "hiking_trail", "viewpoint", "restaurant", "bar",
              "nightclub", "market", "church", "castle", "zoo", "theme_park", "spa", "winery"]
CAT2ID = {c: i for i, c in enumerate(CATEGORIES)}
THEMES = ["culture", "nature", "nightlife", "family", "food_wine", "relaxation"]
THEME_RULES = {
    "culture": {"museum", "gallery", "church", "castle"},
    "nature": {"beach", "hiking_trail", "viewpoint"},
    "nightlife": {"bar", "nightclub"},
    "family": {"zoo", "theme_park", "beach"},
    "food_wine": {"restaurant", "market", "winery"},
    "relaxation": {"spa", "beach", "viewpoint"},
}


def random_itinerary():
    n_days = random.randint(1, 4)
    days = []
    for _ in range(n_days):
        stops = random.randint(2, 5)
        days.append(random.choices(CATEGORIES[1:], k=stops))
    return days


def theme_labels(days):
    visited = {c for day in days for c in day}
    return [1.0 if len(visited & THEME_RULES[t]) >= 2 else 0.0 for t in THEMES]


class ItineraryDataset(Dataset):
    def __init__(self, n):
        self.items = [random_itinerary() for _ in range(n)]

    def __len__(self):
        return len(self.items)

    def __getitem__(self, i):
        days = self.items[i]
        stops = [CAT2ID[c] for day in days for c in day]
        day_idx = [d for d, day in enumerate(days) for _ in day]
        return {
            "stops": torch.tensor(stops),
            "day": torch.tensor(day_idx),
            "themes": torch.tensor(theme_labels(days)),
        }


def collate_itineraries(batch):
    stops = pad_sequence([b["stops"] for b in batch], batch_first=True, padding_value=CAT2ID["<pad>"])
    day = pad_sequence([b["day"] for b in batch], batch_first=True, padding_value=0)
    themes = torch.stack([b["themes"] for b in batch])
    mask = stops != CAT2ID["<pad>"]
    return stops, day, mask, themes


class ThemeTagger(nn.Module):
    def __init__(self, n_cats, n_themes, dim=48, max_days=8):
        super().__init__()
        self.cat_emb = nn.Embedding(n_cats, dim, padding_idx=0)
        self.day_emb = nn.Embedding(max_days, dim)
        self.encoder = nn.TransformerEncoder(
            nn.TransformerEncoderLayer(d_model=dim, nhead=4, dim_feedforward=96, batch_first=True),
            num_layers=1,
        )
        self.classifier = nn.Sequential(nn.Linear(dim, dim), nn.GELU(), nn.Linear(dim, n_themes))

    def forward(self, stops, day, mask):
        x = self.cat_emb(stops) + self.day_emb(day)
        h = self.encoder(x, src_key_padding_mask=~mask)
        m = mask.unsqueeze(-1).float()
        pooled = (h * m).sum(1) / m.sum(1).clamp(min=1.0)
        return self.classifier(pooled)


def evaluate(model, loader, threshold=0.5):
    model.eval()
    tp = fp = fn = 0
    with torch.no_grad():
        for stops, day, mask, themes in loader:
            pred = (torch.sigmoid(model(stops, day, mask)) > threshold).float()
            tp += (pred * themes).sum().item()
            fp += (pred * (1 - themes)).sum().item()
            fn += ((1 - pred) * themes).sum().item()
    model.train()
    return 2 * tp / max(2 * tp + fp + fn, 1)


def main():
    train_ds, val_ds = ItineraryDataset(400), ItineraryDataset(80)
    train_dl = DataLoader(train_ds, batch_size=32, shuffle=True, collate_fn=collate_itineraries)
    val_dl = DataLoader(val_ds, batch_size=64, collate_fn=collate_itineraries)

    model = ThemeTagger(len(CATEGORIES), len(THEMES))
    criterion = nn.BCEWithLogitsLoss()
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-3)

    for epoch in range(3):
        total = 0.0
        for stops, day, mask, themes in train_dl:
            logits = model(stops, day, mask)
            loss = criterion(logits, themes)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            total += loss.item()
        print(f"epoch {epoch}: loss={total / len(train_dl):.4f} val_micro_f1={evaluate(model, val_dl):.3f}")


if __name__ == "__main__":
    main()
