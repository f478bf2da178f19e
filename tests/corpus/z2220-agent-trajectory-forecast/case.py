import os
import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import Dataset, DataLoader

SEED = 7
HIST_LEN = 10
FUT_LEN = 12
DT = 0.1
AGENT_TYPES = {"vehicle": 0, "pedestrian": 1, "cyclist": 2, "bus": 3}
TRACK_CSV = os.path.join(os.path.dirname(os.path.abspath(__file__)), "tracks.csv")

# columns in the exported track file
COL_SCENE, COL_TRACK, COL_FRAME, COL_TYPE, COL_X, COL_Y, COL_VX, COL_VY, COL_YAW = range(9)


def write_synthetic_tracks(path, n_scenes=6, agents_per_scene=5, n_frames=HIST_LEN + FUT_LEN):
    rng = np.random.default_rng(SEED)
    rows = []
    type_names = list(AGENT_TYPES)
    for scene in range(n_scenes):
        for track in range(agents_per_scene):
            t_name = type_names[rng.integers(len(type_names))]
            speed = {"vehicle": 9.0, "pedestrian": 1.3, "cyclist": 4.5, "bus": 7.0}[t_name]
            x, y = rng.uniform(-40, 40, size=2)
            yaw = rng.uniform(-np.pi, np.pi)
            yaw_rate = rng.normal(0, 0.05)
            for frame in range(n_frames):
                vx, vy = speed * np.cos(yaw), speed * np.sin(yaw)
                rows.append([scene, track, frame, AGENT_TYPES[t_name], x, y, vx, vy, yaw])
                x += vx * DT
                y += vy * DT
                yaw += yaw_rate
    header = "scene,track,frame,agent_type,x,y,vx,vy,yaw"
    np.savetxt(path, np.asarray(rows), delimiter=",", header=header, comments="", fmt="%.5f")


class TrackWindowDataset(Dataset):
    def __init__(self, csv_path):
        table = np.loadtxt(csv_path, delimiter=",", skiprows=1)
        self.windows = []
        keys = np.unique(table[:, [COL_SCENE, COL_TRACK]], axis=0)
        for scene, track in keys:
            sel = (table[:, COL_SCENE] == scene) & (table[:, COL_TRACK] == track)
            track_rows = table[sel]
            track_rows = track_rows[np.argsort(track_rows[:, COL_FRAME])]
            if len(track_rows) < HIST_LEN + FUT_LEN:
                continue
            self.windows.append(track_rows[: HIST_LEN + FUT_LEN])

    def __len__(self):
        return len(self.windows)

    def __getitem__(self, idx):
        w = torch.from_numpy(self.windows[idx]).float()
        origin = w[HIST_LEN - 1, [COL_X, COL_Y]]
        hist = w[:HIST_LEN, [COL_X, COL_Y, COL_VX, COL_VY, COL_YAW]].clone()
        hist[:, :2] -= origin
        fut = w[HIST_LEN:, [COL_X, COL_Y]] - origin
        agent_type = w[0, COL_TYPE]
        return {"hist": hist, "fut": fut, "agent_type": agent_type}


class TypeConditionedGRUForecaster(nn.Module):
    def __init__(self, n_types, in_dim=5, hidden=64, type_dim=8, fut_len=FUT_LEN):
        super().__init__()
        self.type_emb = nn.Embedding(n_types, type_dim)
        self.input_proj = nn.Linear(in_dim, hidden)
        self.encoder = nn.GRU(hidden, hidden, batch_first=True)
        self.head = nn.Sequential(
            nn.Linear(hidden + type_dim, hidden),
            nn.ReLU(),
            nn.Linear(hidden, fut_len * 2),
        )
        self.fut_len = fut_len

    def forward(self, hist, agent_type):
        h = torch.relu(self.input_proj(hist))
        _, h_last = self.encoder(h)
        ctx = torch.cat([h_last[-1], self.type_emb(agent_type)], dim=-1)
        return self.head(ctx).view(-1, self.fut_len, 2)


def ade_fde(pred, gt):
    dist = torch.linalg.norm(pred - gt, dim=-1)
    return dist.mean().item(), dist[:, -1].mean().item()


def main():
    torch.manual_seed(SEED)
    write_synthetic_tracks(TRACK_CSV)
    ds = TrackWindowDataset(TRACK_CSV)
    loader = DataLoader(ds, batch_size=8, shuffle=True)

    model = TypeConditionedGRUForecaster(n_types=len(AGENT_TYPES))
    opt = torch.optim.AdamW(model.parameters(), lr=3e-3, weight_decay=1e-4)

    for epoch in range(3):
        model.train()
        running = 0.0
        for batch in loader:
            pred = model(batch["hist"], batch["agent_type"])
            loss = nn.functional.smooth_l1_loss(pred, batch["fut"])
            opt.zero_grad()
            loss.backward()
            opt.step()
            running += loss.item() * len(pred)
        ade, fde = ade_fde(pred.detach(), batch["fut"])
        print(f"epoch {epoch} loss {running / len(ds):.3f} ADE {ade:.2f} FDE {fde:.2f}")


if __name__ == "__main__":
    main()
