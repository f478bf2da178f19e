"""Semantic segmentation of indoor room blocks (S3DIS-style) with a small PointNet.

Each block is a 1m x 1m column of points with 9 channels:
xyz, rgb, and xyz normalised to the room extent. Every point carries one of
13 semantic labels (ceiling, floor, wall, beam, column, window, door, table,
chair, sofa, bookcase, board, clutter).
"""
import torch
import torch.nn as nn
from torch.utils.data import Dataset, DataLoader

NUM_CLASSES = 13
POINTS_PER_BLOCK = 1024
IN_CHANNELS = 9

torch.manual_seed(0)


class SyntheticRoomBlocks(Dataset):
    """Stands in for pre-extracted .npy blocks of an area."""

    def __init__(self, n_blocks=32):
        self.blocks = []
        for _ in range(n_blocks):
            xyz = torch.rand(POINTS_PER_BLOCK, 3) * torch.tensor([1.0, 1.0, 3.0])
            rgb = torch.rand(POINTS_PER_BLOCK, 3)
            room_xyz = xyz / torch.tensor([10.0, 8.0, 3.0])
            feats = torch.cat([xyz, rgb, room_xyz], dim=1)
            # floor near z=0, ceiling near z=3, everything else random
            sem = torch.randint(2, NUM_CLASSES, (POINTS_PER_BLOCK,))
            sem[xyz[:, 2] < 0.1] = 1
            sem[xyz[:, 2] > 2.9] = 0
            self.blocks.append((feats, sem))

    def __len__(self):
        return len(self.blocks)

    def __getitem__(self, i):
        return self.blocks[i]


class SharedMLP(nn.Sequential):
    def __init__(self, dims):
        layers = []
        for d_in, d_out in zip(dims[:-1], dims[1:]):
            layers += [nn.Linear(d_in, d_out), nn.LayerNorm(d_out), nn.ReLU()]
        super().__init__(*layers)


class PointNetSeg(nn.Module):
    def __init__(self, in_ch=IN_CHANNELS, n_cls=NUM_CLASSES):
        super().__init__()
        self.local = SharedMLP([in_ch, 64, 64])
        self.lift = SharedMLP([64, 128, 512])
        self.head = nn.Sequential(
            SharedMLP([64 + 512, 256, 128]),
            nn.Dropout(0.3),
            nn.Linear(128, n_cls),
        )

    def forward(self, pts):
        # pts: (B, N, C)
        local_feat = self.local(pts)
        global_feat = self.lift(local_feat).max(dim=1, keepdim=True).values
        global_feat = global_feat.expand(-1, pts.shape[1], -1)
        return self.head(torch.cat([local_feat, global_feat], dim=-1))


def mean_iou(pred, gt, n_cls=NUM_CLASSES):
    ious = []
    for c in range(n_cls):
        inter = ((pred == c) & (gt == c)).sum().item()
        union = ((pred == c) | (gt == c)).sum().item()
        if union > 0:
            ious.append(inter / union)
    return sum(ious) / max(len(ious), 1)


def train_one_epoch(model, loader, optimizer, criterion):
    model.train()
    running = 0.0
    for step, (block_feats, block_sem) in enumerate(loader):
        optimizer.zero_grad()
        seg_logits = model(block_feats)
        loss = criterion(seg_logits.permute(0, 2, 1), block_sem)
        loss.backward()
        optimizer.step()
        running += loss.item()
        if step % 2 == 0:
            print(f"  step {step:3d}  loss {loss.item():.4f}")
    return running / len(loader)


@torch.no_grad()
def evaluate(model, loader):
    model.eval()
    preds, gts = [], []
    for block_feats, block_sem in loader:
        seg_logits = model(block_feats)
        preds.append(seg_logits.argmax(dim=-1).flatten())
        gts.append(block_sem.flatten())
    return mean_iou(torch.cat(preds), torch.cat(gts))


def main():
    train_set = SyntheticRoomBlocks(32)
    val_set = SyntheticRoomBlocks(8)
    train_loader = DataLoader(train_set, batch_size=8, shuffle=True, drop_last=True)
    val_loader = DataLoader(val_set, batch_size=8)

    model = PointNetSeg()
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3, weight_decay=1e-4)
    criterion = nn.CrossEntropyLoss()

    for epoch in range(2):
        avg = train_one_epoch(model, train_loader, optimizer, criterion)
        miou = evaluate(model, val_loader)
        print(f"epoch {epoch}: train loss {avg:.4f}  val mIoU {miou:.3f}")


if __name__ == "__main__":
    main()
