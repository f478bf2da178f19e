"""Semantic scene completion on small voxel grids.

Input : occupancy of the surface voxels seen from a single depth view (1 ch).
Target: per-voxel semantic class of the full scene
        0 = empty, 1 = floor, 2 = box, 3 = ball, 255 = outside the view frustum.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F

GRID = 16
VOXEL_SIZE = 0.25          # metres, scene spans 4 m
N_SEM = 4
IGNORE = 255


def voxelize(points, grid=GRID, voxel_size=VOXEL_SIZE):
    ijk = torch.floor(points / voxel_size).long().clamp(0, grid - 1)
    return ijk[:, 0], ijk[:, 1], ijk[:, 2]


def make_scene(gen):
    sem = torch.zeros(GRID, GRID, GRID, dtype=torch.long)
    sem[:, :, 0] = 1
    # a box
    x0, y0 = torch.randint(1, GRID - 6, (2,), generator=gen).tolist()
    h = int(torch.randint(2, 6, (1,), generator=gen))
    sem[x0:x0 + 4, y0:y0 + 4, 1:1 + h] = 2
    # a ball sampled as points, then voxelised
    c = torch.rand(3, generator=gen) * torch.tensor([2.0, 2.0, 1.0]) + torch.tensor([1.0, 1.0, 0.6])
    dirs = F.normalize(torch.randn(2000, 3, generator=gen), dim=1)
    ball_pts = c + dirs * 0.5 * torch.rand(2000, 1, generator=gen) ** (1 / 3)
    sem[voxelize(ball_pts)] = 3

    # visible surface: first occupied voxel along +y rays (camera at y = 0)
    occ = sem > 0
    seen = torch.zeros_like(occ)
    first = occ.float().argmax(dim=1)
    has_hit = occ.any(dim=1)
    xs, zs = torch.meshgrid(torch.arange(GRID), torch.arange(GRID), indexing="ij")
    seen[xs[has_hit], first[has_hit], zs[has_hit]] = True

    target = sem.clone()
    target[:, :, GRID - 3:] = IGNORE
    return seen.float().unsqueeze(0), target


class CompletionNet(nn.Module):
    def __init__(self, width=16, n_cls=N_SEM):
        super().__init__()
        self.enc1 = nn.Sequential(nn.Conv3d(1, width, 3, padding=1), nn.BatchNorm3d(width), nn.ReLU())
        self.enc2 = nn.Sequential(nn.Conv3d(width, width * 2, 3, stride=2, padding=1),
                                  nn.BatchNorm3d(width * 2), nn.ReLU())
        self.up = nn.ConvTranspose3d(width * 2, width, 2, stride=2)
        self.dec = nn.Sequential(nn.Conv3d(width * 2, width, 3, padding=1), nn.BatchNorm3d(width), nn.ReLU())
        self.head = nn.Conv3d(width, n_cls, 1)

    def forward(self, vox):
        s1 = self.enc1(vox)
        s2 = self.enc2(s1)
        d = self.dec(torch.cat([self.up(s2), s1], dim=1))
        return self.head(d)


def voxel_loss(sem_logits, sem_target, class_w):
    n_cls = sem_logits.shape[1]
    flat_logits = sem_logits.permute(0, 2, 3, 4, 1).reshape(-1, n_cls)
    flat_target = sem_target.view(-1)
    return F.cross_entropy(flat_logits, flat_target, weight=class_w, ignore_index=IGNORE)


def completion_iou(sem_logits, sem_target):
    pred_occ = sem_logits.argmax(1) > 0
    valid = sem_target != IGNORE
    gt_occ = (sem_target > 0) & valid
    pred_occ &= valid
    return ((pred_occ & gt_occ).sum() / (pred_occ | gt_occ).sum().clamp(min=1)).item()


def main():
    gen = torch.Generator().manual_seed(7)
    torch.manual_seed(7)
    scenes = [make_scene(gen) for _ in range(16)]
    vox_in = torch.stack([s[0] for s in scenes])
    sem_gt = torch.stack([s[1] for s in scenes])

    freq = torch.bincount(sem_gt[sem_gt != IGNORE], minlength=N_SEM).float()
    class_w = (freq.sum() / (freq + 1.0)).sqrt()
    class_w = class_w / class_w.mean()

    net = CompletionNet()
    opt = torch.optim.Adam(net.parameters(), lr=2e-3)
    for epoch in range(3):
        for b in range(0, len(scenes), 4):
            sem_logits = net(vox_in[b:b + 4])
            loss = voxel_loss(sem_logits, sem_gt[b:b + 4], class_w)
            opt.zero_grad()
            loss.backward()
            opt.step()
        with torch.no_grad():
            iou = completion_iou(net(vox_in), sem_gt)
        print(f"epoch {epoch}: loss {loss.item():.3f}  completion IoU {iou:.3f}")


if __name__ == "__main__":
    main()
