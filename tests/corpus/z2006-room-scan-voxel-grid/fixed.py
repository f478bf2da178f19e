"""Room-type classification from indoor RGB-D reconstructions.

Each scan (x, y, z, r, g, b) is voxelised into a 3-channel grid
(occupancy, mean height, mean brightness) and fed to a small 3D CNN.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F

ROOM_TYPES = ["office", "bedroom", "kitchen", "bathroom"]
GRID_RES = 24          # voxels per side
ROOM_EXTENT = 6.0      # metres covered by the grid along each axis
VOXEL_SIZE = ROOM_EXTENT / GRID_RES


def fake_scan(room_type, gen):
    """Random furniture-like blobs; the layout depends loosely on the room type."""
    n_blobs = 4 + room_type * 2
    centres = torch.rand(n_blobs, 3, generator=gen) * torch.tensor([5.0, 5.0, 2.0])
    pts = []
    for c in centres:
        n = int(torch.randint(150, 400, (1,), generator=gen))
        pts.append(c + 0.25 * torch.randn(n, 3, generator=gen))
    floor = torch.rand(1500, 3, generator=gen) * torch.tensor([6.0, 6.0, 0.02])
    xyz = torch.cat(pts + [floor])
    rgb = torch.rand(xyz.shape[0], 3, generator=gen) * (0.4 + 0.15 * room_type)
    return torch.cat([xyz, rgb], dim=1)


def voxel_coords(xyz):
    """Map metric coordinates to integer voxel coordinates inside the grid."""
    origin = xyz.min(dim=0).values
    coords = torch.div(xyz - origin, VOXEL_SIZE, rounding_mode="floor").long()
    keep = (coords < GRID_RES).all(dim=1)
    return coords[keep], keep


def scan_to_grid(scan):
    xyz, rgb = scan[:, :3], scan[:, 3:]
    coords, keep = voxel_coords(xyz)
    height = xyz[keep, 2]
    bright = rgb[keep].mean(dim=1)

    grid = torch.zeros(3, GRID_RES, GRID_RES, GRID_RES)
    counts = torch.zeros(GRID_RES, GRID_RES, GRID_RES)
    ix, iy, iz = coords[:, 0], coords[:, 1], coords[:, 2]
    counts.index_put_((ix, iy, iz), torch.ones_like(height), accumulate=True)
    grid[1].index_put_((ix, iy, iz), height, accumulate=True)
    grid[2].index_put_((ix, iy, iz), bright, accumulate=True)

    occupied = counts > 0
    grid[0] = occupied.float()
    grid[1][occupied] /= counts[occupied]
    grid[2][occupied] /= counts[occupied]
    return grid


class VoxelNet(nn.Module):
    def __init__(self, in_ch=3, n_classes=len(ROOM_TYPES)):
        super().__init__()
        self.conv1 = nn.Conv3d(in_ch, 16, 3, padding=1)
        self.conv2 = nn.Conv3d(16, 32, 3, padding=1)
        self.conv3 = nn.Conv3d(32, 64, 3, padding=1)
        self.fc = nn.Linear(64, n_classes)

    def forward(self, x):
        x = F.max_pool3d(F.relu(self.conv1(x)), 2)
        x = F.max_pool3d(F.relu(self.conv2(x)), 2)
        x = F.relu(self.conv3(x))
        x = x.amax(dim=(2, 3, 4))
        return self.fc(x)


def build_dataset(n_scans, seed):
    gen = torch.Generator().manual_seed(seed)
    grids, labels = [], []
    for i in range(n_scans):
        room = i % len(ROOM_TYPES)
        grids.append(scan_to_grid(fake_scan(room, gen)))
        labels.append(room)
    return torch.stack(grids), torch.tensor(labels)


def main():
    torch.manual_seed(0)
    train_x, train_y = build_dataset(16, seed=1)
    val_x, val_y = build_dataset(8, seed=2)
    print("train grids", tuple(train_x.shape), "occupancy",
          f"{train_x[:, 0].mean().item():.3f}")

    model = VoxelNet()
    opt = torch.optim.AdamW(model.parameters(), lr=3e-3)
    for epoch in range(4):
        model.train()
        perm = torch.randperm(len(train_x))
        for start in range(0, len(perm), 4):
            idx = perm[start:start + 4]
            loss = F.cross_entropy(model(train_x[idx]), train_y[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
        model.eval()
        with torch.no_grad():
            acc = (model(val_x).argmax(1) == val_y).float().mean().item()
        print(f"epoch {epoch} loss {loss.item():.3f} val acc {acc:.2f}")


if __name__ == "__main__":
    main()
