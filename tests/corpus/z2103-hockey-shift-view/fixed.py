"""Will this even-strength shift produce a shot on goal?  Ice hockey puck/player tracking.

Each shift clip is `frames x skaters x (x, y)` rink coordinates sampled at 10 Hz.  Every
skater's trajectory is encoded on its own, then the skater encodings are pooled per team
and a small head scores the probability of a shot on goal in the clip.
"""
import torch
from torch import nn
from torch.utils.data import DataLoader, Dataset

torch.manual_seed(21)

RINK_X, RINK_Y = 61.0, 26.0          # metres
HZ = 10
CLIP_SECONDS = 4
FRAMES = CLIP_SECONDS * HZ
SKATERS_PER_SIDE = 5
SKATERS = 2 * SKATERS_PER_SIDE
NET_X = RINK_X - 4.0


class ShiftClips(Dataset):
    def __init__(self, n_clips=256):
        start = torch.rand(n_clips, 1, SKATERS, 2) * torch.tensor([RINK_X, RINK_Y])
        drift = torch.randn(n_clips, 1, SKATERS, 2) * 0.4
        noise = torch.randn(n_clips, FRAMES, SKATERS, 2) * 0.2
        t = torch.arange(FRAMES).view(1, FRAMES, 1, 1).float()
        self.coords = start + drift * t + noise.cumsum(1)
        self.coords[..., 0].clamp_(0, RINK_X)
        self.coords[..., 1].clamp_(0, RINK_Y)
        # a shot happens when an attacker finishes the clip close to the net slot
        final = self.coords[:, -1, :SKATERS_PER_SIDE]
        slot_dist = torch.linalg.norm(final - torch.tensor([NET_X, RINK_Y / 2]), dim=-1).min(-1).values
        self.shot = (slot_dist < 12.0).float()

    def __len__(self):
        return len(self.shot)

    def __getitem__(self, i):
        return self.coords[i], self.shot[i]


class SkaterEncoder(nn.Module):
    def __init__(self, frames, hidden=48):
        super().__init__()
        self.net = nn.Sequential(
            nn.Linear(frames * 2, hidden), nn.GELU(), nn.Linear(hidden, hidden)
        )

    def forward(self, traj):
        return self.net(traj)


class ShotOnGoalModel(nn.Module):
    def __init__(self, frames, hidden=48):
        super().__init__()
        self.scale = torch.tensor([RINK_X, RINK_Y])
        self.skater = SkaterEncoder(frames, hidden)
        self.head = nn.Sequential(nn.Linear(2 * hidden, hidden), nn.GELU(), nn.Linear(hidden, 1))

    def forward(self, coords):
        batch, frames, skaters, _ = coords.shape
        coords = coords / self.scale
        # one row per skater: (batch * skaters, frames * 2)
        per_skater = coords.transpose(1, 2).reshape(batch * skaters, frames * 2)
        enc = self.skater(per_skater).view(batch, skaters, -1)
        attack = enc[:, :SKATERS_PER_SIDE].mean(1)
        defend = enc[:, SKATERS_PER_SIDE:].mean(1)
        return self.head(torch.cat([attack, defend], dim=-1)).squeeze(-1)


def evaluate(model, loader):
    model.eval()
    hits, total = 0, 0
    with torch.no_grad():
        for coords, shot in loader:
            pred = (model(coords) > 0).float()
            hits += (pred == shot).sum().item()
            total += len(shot)
    return hits / total


def main():
    train_ds, val_ds = ShiftClips(256), ShiftClips(64)
    print("clip tensor:", tuple(train_ds.coords.shape), "shot rate:", train_ds.shot.mean().item())
    train_dl = DataLoader(train_ds, batch_size=32, shuffle=True)
    val_dl = DataLoader(val_ds, batch_size=64)

    model = ShotOnGoalModel(FRAMES)
    pos_weight = (1 - train_ds.shot.mean()) / train_ds.shot.mean().clamp(min=1e-3)
    loss_fn = nn.BCEWithLogitsLoss(pos_weight=pos_weight)
    opt = torch.optim.AdamW(model.parameters(), lr=2e-3)

    for epoch in range(8):
        model.train()
        running = 0.0
        for coords, shot in train_dl:
            loss = loss_fn(model(coords), shot)
            opt.zero_grad()
            loss.backward()
            opt.step()
            running += loss.item() * len(shot)
        print(f"epoch {epoch}: loss {running / len(train_ds):.4f}  val acc {evaluate(model, val_dl):.3f}")


if __name__ == "__main__":
    main()
