from dataclasses import dataclass

import torch
import torch.nn as nn

torch.manual_seed(0)

STORES = [1041, 1057, 1063, 1088, 1102, 1125]

WORDS = ["<pad>", "rain", "sunny", "holiday", "promo", "weekend", "school", "break",
         "festival", "roadworks", "heatwave", "market", "day", "cold", "snap", "quiet"]
W2I = {w: i for i, w in enumerate(WORDS)}


@dataclass
class DayRow:
    store: int
    notes: str
    units: float


ROWS = [
    DayRow(1041, "sunny weekend promo", 412.0),
    DayRow(1057, "rain quiet", 188.0),
    DayRow(1063, "holiday market day", 530.0),
    DayRow(1088, "roadworks cold snap", 142.0),
    DayRow(1102, "heatwave weekend", 466.0),
    DayRow(1125, "school break festival", 601.0),
    DayRow(1041, "rain promo", 275.0),
    DayRow(1063, "quiet cold snap", 160.0),
]


def encode_notes(text, max_len=4):
    ids = [W2I.get(w, 0) for w in text.split()][:max_len]
    return ids + [0] * (max_len - len(ids))


def make_batch(rows):
    notes = torch.tensor([encode_notes(r.notes) for r in rows])
    stores = torch.tensor([STORES.index(r.store) for r in rows])
    target = torch.tensor([r.units for r in rows]) / 100.0
    return notes, stores, target


class StoreSalesModel(nn.Module):
    def __init__(self):
        super().__init__()
        self.word_emb = nn.EmbeddingBag(len(WORDS), 16, mode="mean", padding_idx=0)
        self.store_emb = nn.Embedding(len(STORES), 8)
        self.head = nn.Sequential(nn.Linear(16 + 8, 32), nn.ReLU(), nn.Linear(32, 1))

    def forward(self, notes, stores):
        x = torch.cat([self.word_emb(notes), self.store_emb(stores)], dim=-1)
        return self.head(x).squeeze(-1)


def train(model, rows, epochs=30):
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-2)
    notes, stores, target = make_batch(rows)
    for epoch in range(epochs):
        pred = model(notes, stores)
        loss = nn.functional.mse_loss(pred, target)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        if epoch % 10 == 0:
            print(f"epoch {epoch:2d}: mse {loss.item():.4f}")
    return model


def main():
    print(f"{len(ROWS)} daily rows across {len(STORES)} stores")
    model = train(StoreSalesModel(), ROWS)
    model.eval()
    with torch.no_grad():
        notes, stores, target = make_batch(ROWS[:3])
        pred = model(notes, stores) * 100.0
    for row, p in zip(ROWS[:3], pred.tolist()):
        print(f"store {row.store}: actual {row.units:.0f} predicted {p:.0f}")


if __name__ == "__main__":
    main()
