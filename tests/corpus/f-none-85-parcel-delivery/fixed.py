"""Predict parcel delivery delay (hours) from hashed shop/city features plus distance."""
import zlib
from dataclasses import dataclass

import torch
import torch.nn as nn

torch.manual_seed(5)

SHOP_BUCKETS = 64
CITY_BUCKETS = 16


@dataclass
class Order:
    shop: str
    city: str
    distance_km: float
    weight_kg: float
    delay_h: float


ORDERS = [
    Order("keramik-atelier", "Graz", 210.0, 1.2, 26.0),
    Order("bike-parts-24", "Linz", 95.0, 4.5, 18.0),
    Order("teehaus-mira", "Salzburg", 300.0, 0.4, 30.0),
    Order("keramik-atelier", "Innsbruck", 470.0, 2.1, 41.0),
    Order("papier-werk", "Graz", 205.0, 0.8, 24.0),
    Order("bike-parts-24", "Villach", 350.0, 6.0, 37.0),
    Order("teehaus-mira", "Linz", 100.0, 0.5, 16.0),
    Order("papier-werk", "Bregenz", 620.0, 1.0, 52.0),
    Order("kaffeerösterei-nord", "Wels", 130.0, 2.5, 20.0),
    Order("kaffeerösterei-nord", "Graz", 215.0, 2.0, 27.0),
]


def slot(value, size):
    return zlib.crc32(value.encode()) % size


def collate(rows):
    return {
        "shop": torch.tensor([slot(r.shop, SHOP_BUCKETS) for r in rows]),
        "city": torch.tensor([slot(r.city, CITY_BUCKETS) for r in rows]),
        "numeric": torch.tensor([[r.distance_km / 100.0, r.weight_kg] for r in rows]),
        "target": torch.tensor([r.delay_h for r in rows]),
    }


class DelayModel(nn.Module):
    def __init__(self):
        super().__init__()
        self.shop_emb = nn.Embedding(SHOP_BUCKETS, 8)
        self.city_emb = nn.Embedding(CITY_BUCKETS, 8)
        self.head = nn.Sequential(nn.Linear(8 + 8 + 2, 32), nn.ReLU(), nn.Linear(32, 1))

    def forward(self, shop, city, numeric):
        x = torch.cat([self.shop_emb(shop), self.city_emb(city), numeric], dim=-1)
        return self.head(x).squeeze(-1)


def main():
    model = DelayModel()
    opt = torch.optim.Adam(model.parameters(), lr=1e-2)
    loss_fn = nn.MSELoss()
    print(f"{len(ORDERS)} orders, {len({o.shop for o in ORDERS})} shops, "
          f"{len({o.city for o in ORDERS})} cities")
    for epoch in range(30):
        total = 0.0
        for i in range(0, len(ORDERS), 4):
            batch = collate(ORDERS[i:i + 4])
            pred = model(batch["shop"], batch["city"], batch["numeric"])
            loss = loss_fn(pred, batch["target"])
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item()
        if epoch % 10 == 0:
            print(f"epoch {epoch:2d} mse {total:.2f}")
    model.eval()
    with torch.no_grad():
        query = collate([Order("teehaus-mira", "Graz", 210.0, 0.3, 0.0)])
        hours = model(query["shop"], query["city"], query["numeric"]).item()
    print(f"expected delay teehaus-mira -> Graz: {hours:.1f} h")


if __name__ == "__main__":
    main()
