from dataclasses import dataclass

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, TensorDataset


@dataclass
class FloorPlanConfig:
    image_size: int = 64
    n_plans: int = 96
    max_rooms: int = 6
    channels: tuple = (8, 16, 32)
    batch_size: int = 16
    lr: float = 1e-3
    epochs: int = 3
    room_loss_weight: float = 0.3
    seed: int = 3


def render_floor_plans(cfg):
    g = torch.Generator().manual_seed(cfg.seed)
    imgs = torch.zeros(cfg.n_plans, 1, cfg.image_size, cfg.image_size)
    rooms = torch.randint(1, cfg.max_rooms + 1, (cfg.n_plans,), generator=g)
    areas = torch.zeros(cfg.n_plans)
    s = cfg.image_size
    for i in range(cfg.n_plans):
        imgs[i, 0, 2, 2:s - 2] = imgs[i, 0, s - 3, 2:s - 2] = 1.0
        imgs[i, 0, 2:s - 2, 2] = imgs[i, 0, 2:s - 2, s - 3] = 1.0
        for _ in range(int(rooms[i]) - 1):
            if torch.rand(1, generator=g) < 0.5:
                x = int(torch.randint(8, s - 8, (1,), generator=g))
                imgs[i, 0, 2:s - 2, x] = 1.0
            else:
                y = int(torch.randint(8, s - 8, (1,), generator=g))
                imgs[i, 0, y, 2:s - 2] = 1.0
        areas[i] = 45 + 18 * rooms[i] + 10 * torch.rand(1, generator=g).item()
    price_per_sqm = 4200.0
    log_price = torch.log(areas * price_per_sqm)
    return imgs, log_price, rooms - 1


class FloorPlanNet(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        layers, in_ch = [], 1
        for ch in cfg.channels:
            layers += [nn.Conv2d(in_ch, ch, 3, padding=1), nn.BatchNorm2d(ch), nn.ReLU(), nn.MaxPool2d(2)]
            in_ch = ch
        self.backbone = nn.Sequential(*layers, nn.AdaptiveAvgPool2d(1), nn.Flatten())
        self.price_head = nn.Sequential(nn.Linear(in_ch, 32), nn.ReLU(), nn.Linear(32, 1))
        self.rooms_head = nn.Linear(in_ch, cfg.max_rooms)

    def forward(self, x):
        feats = self.backbone(x)
        return self.price_head(feats).squeeze(-1), self.rooms_head(feats)


class MultiTaskTrainer:
    def __init__(self, model, cfg):
        self.model = model
        self.cfg = cfg
        self.opt = torch.optim.Adam(model.parameters(), lr=cfg.lr)
        self.price_mean = None

    def fit(self, loader):
        self.model.train()
        for epoch in range(self.cfg.epochs):
            totals = {"price": 0.0, "rooms": 0.0}
            for imgs, log_price, rooms in loader:
                price_pred, rooms_logits = self.model(imgs)
                loss_price = F.mse_loss(price_pred + self.price_mean, log_price)
                loss_rooms = F.cross_entropy(rooms_logits, rooms)

                self.opt.zero_grad()
                loss = loss_price + self.cfg.room_loss_weight * loss_rooms
                loss.backward()
                self.opt.step()

                totals["price"] += loss_price.item()
                totals["rooms"] += loss_rooms.item()
            n = len(loader)
            print(f"epoch {epoch}: price_mse={totals['price'] / n:.4f} rooms_ce={totals['rooms'] / n:.4f}")

    @torch.no_grad()
    def evaluate(self, loader):
        self.model.eval()
        abs_err, correct, count = 0.0, 0, 0
        for imgs, log_price, rooms in loader:
            price_pred, rooms_logits = self.model(imgs)
            abs_err += (price_pred + self.price_mean - log_price).abs().sum().item()
            correct += (rooms_logits.argmax(-1) == rooms).sum().item()
            count += imgs.shape[0]
        return abs_err / count, correct / count


def main():
    cfg = FloorPlanConfig()
    torch.manual_seed(cfg.seed)
    imgs, log_price, rooms = render_floor_plans(cfg)
    n_train = int(0.75 * cfg.n_plans)
    train_ds = TensorDataset(imgs[:n_train], log_price[:n_train], rooms[:n_train])
    test_ds = TensorDataset(imgs[n_train:], log_price[n_train:], rooms[n_train:])
    train_loader = DataLoader(train_ds, batch_size=cfg.batch_size, shuffle=True)
    test_loader = DataLoader(test_ds, batch_size=cfg.batch_size)

    model = FloorPlanNet(cfg)
    trainer = MultiTaskTrainer(model, cfg)
    trainer.price_mean = log_price[:n_train].mean()
    trainer.fit(train_loader)
    mae, room_acc = trainer.evaluate(test_loader)
    print(f"test log-price MAE {mae:.3f}, room-count accuracy {room_acc:.2%}")


if __name__ == "__main__":
    main()
