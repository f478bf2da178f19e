import csv
import glob
import os
import random

import numpy as np
import torch
import torch.nn as nn
from torch.nn.utils.rnn import pad_sequence
from torch.utils.data import Dataset, DataLoader

random.seed(11)
np.random.seed(11)
torch.manual_seed(11)

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "tracks_export")
LOCATIONS = ["boston-seaport", "singapore_onenorth", "singapore_queenstown", "pittsburgh"]
OBS_LEN, PRED_LEN = 8, 12
MAX_NEIGHBORS = 6


def export_scenes(root, n_scenes=24):
    """Mimics the output of our log converter: one CSV of object tracks per scene."""
    os.makedirs(root, exist_ok=True)
    names = []
    for i in range(n_scenes):
        loc = LOCATIONS[i % len(LOCATIONS)]
        scene = f"scene-{i:04d}"
        path = os.path.join(root, f"{loc}_{scene}.csv")
        with open(path, "w", newline="") as f:
            w = csv.writer(f)
            w.writerow(["frame", "track_id", "category", "x", "y", "vx", "vy"])
            for tid in range(np.random.randint(3, 9)):
                x, y = np.random.uniform(-40, 40, size=2)
                heading = np.random.uniform(0, 2 * np.pi)
                speed = np.random.uniform(0, 12)
                cat = "vehicle.car" if tid % 3 else "human.pedestrian.adult"
                for fr in range(OBS_LEN + PRED_LEN + np.random.randint(0, 10)):
                    vx, vy = speed * np.cos(heading), speed * np.sin(heading)
                    w.writerow([fr, tid, cat, f"{x:.3f}", f"{y:.3f}", f"{vx:.3f}", f"{vy:.3f}"])
                    x, y = x + 0.5 * vx, y + 0.5 * vy
                    heading += np.random.normal(0, 0.03)
        names.append(scene)
    random.shuffle(names)
    cut = int(0.75 * len(names))
    for split, subset in (("train", names[:cut]), ("val", names[cut:])):
        with open(os.path.join(root, f"{split}.txt"), "w") as f:
            f.write("\n".join(sorted(subset)) + "\n")


def read_tracks(path):
    tracks = {}
    with open(path) as f:
        for row in csv.DictReader(f):
            tid = int(row["track_id"])
            tracks.setdefault(tid, []).append(
                (int(row["frame"]), float(row["x"]), float(row["y"]), float(row["vx"]), float(row["vy"])))
    return {tid: np.array(sorted(v), dtype=np.float32)[:, 1:] for tid, v in tracks.items()}


def index_scenes(root):
    scenes = {}
    for path in sorted(glob.glob(os.path.join(root, "*.csv"))):
        stem = os.path.splitext(os.path.basename(path))[0]
        location, scene = stem.split("_")[0], stem.split("_")[1]
        scenes[scene] = {"location": location, "path": path}
    return scenes


class NeighborTrajectoryDataset(Dataset):
    def __init__(self, root, split):
        scene_index = index_scenes(root)
        with open(os.path.join(root, f"{split}.txt")) as f:
            split_scenes = [line.strip() for line in f if line.strip()]
        self.samples = []
        for scene in split_scenes:
            info = scene_index[scene]
            tracks = read_tracks(info["path"])
            for tid, traj in tracks.items():
                if len(traj) < OBS_LEN + PRED_LEN:
                    continue
                origin = traj[OBS_LEN - 1, :2].copy()
                target = traj[:OBS_LEN + PRED_LEN].copy()
                target[:, :2] -= origin
                neigh = [t[:OBS_LEN].copy() for n, t in tracks.items() if n != tid and len(t) >= OBS_LEN]
                for nb in neigh:
                    nb[:, :2] -= origin
                self.samples.append((target[:OBS_LEN], target[OBS_LEN:, :2], neigh[:MAX_NEIGHBORS]))

    def __len__(self):
        return len(self.samples)

    def __getitem__(self, i):
        hist, fut, neigh = self.samples[i]
        neigh = torch.from_numpy(np.stack(neigh)) if neigh else torch.zeros(0, OBS_LEN, 4)
        return torch.from_numpy(hist), torch.from_numpy(fut), neigh


def collate_with_neighbors(batch):
    hist, fut, neigh = zip(*batch)
    n_counts = torch.tensor([n.shape[0] for n in neigh])
    neigh_flat = [n.reshape(n.shape[0], -1) for n in neigh]
    neigh_pad = pad_sequence([n if len(n) else torch.zeros(1, OBS_LEN * 4) for n in neigh_flat], batch_first=True)
    return torch.stack(hist), torch.stack(fut), neigh_pad, n_counts


class SocialMLP(nn.Module):
    def __init__(self, d=64):
        super().__init__()
        self.ego = nn.Sequential(nn.Linear(OBS_LEN * 4, d), nn.ReLU(), nn.Linear(d, d))
        self.nbr = nn.Sequential(nn.Linear(OBS_LEN * 4, d), nn.ReLU(), nn.Linear(d, d))
        self.dec = nn.Sequential(nn.Linear(2 * d, d), nn.ReLU(), nn.Linear(d, PRED_LEN * 2))

    def forward(self, hist, neigh, n_counts):
        e = self.ego(hist.flatten(1))
        nb = self.nbr(neigh)
        valid = torch.arange(neigh.shape[1])[None] < n_counts[:, None]
        nb = nb.masked_fill(~valid[..., None], float("-inf")).amax(dim=1)
        nb = torch.nan_to_num(nb, neginf=0.0)
        return self.dec(torch.cat([e, nb], dim=-1)).view(-1, PRED_LEN, 2)


if __name__ == "__main__":
    export_scenes(ROOT)
    train_ds = NeighborTrajectoryDataset(ROOT, "train")
    val_ds = NeighborTrajectoryDataset(ROOT, "val")
    print(f"train agents: {len(train_ds)}  val agents: {len(val_ds)}")
    train_dl = DataLoader(train_ds, batch_size=32, shuffle=True, collate_fn=collate_with_neighbors)
    val_dl = DataLoader(val_ds, batch_size=64, collate_fn=collate_with_neighbors)

    model = SocialMLP()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    for epoch in range(10):
        model.train()
        for hist, fut, neigh, n_counts in train_dl:
            loss = (model(hist, neigh, n_counts) - fut).norm(dim=-1).mean()
            opt.zero_grad()
            loss.backward()
            opt.step()
        model.eval()
        with torch.no_grad():
            ade = np.mean([(model(h, n, c) - f).norm(dim=-1).mean().item() for h, f, n, c in val_dl])
        print(f"epoch {epoch}: train ADE {loss.item():.2f}  val ADE {ade:.2f}")
