"""Tiny ST-GCN for two-person interaction recognition on NTU-style skeletons.

Input layout follows the usual (N, C, T, V, M) convention:
  C = 3 (x, y, z), T = frames, V = 25 joints, M = 2 bodies.
Interactions (hugging, handshake, pushing...) depend on both bodies, so the
per-body embeddings are kept side by side for the classifier.
"""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(1)
np.random.seed(1)

NUM_JOINTS = 25
NUM_BODIES = 2
NUM_ACTIONS = 11

# NTU RGB+D 25-joint skeleton, 1-based as in the dataset docs
NTU_BONES = [(1, 2), (2, 21), (3, 21), (4, 3), (5, 21), (6, 5), (7, 6),
             (8, 7), (9, 21), (10, 9), (11, 10), (12, 11), (13, 1),
             (14, 13), (15, 14), (16, 15), (17, 1), (18, 17), (19, 18),
             (20, 19), (22, 23), (23, 8), (24, 25), (25, 12)]


def normalized_adjacency(num_joints, bones):
    A = np.eye(num_joints, dtype=np.float32)
    for i, j in bones:
        A[i - 1, j - 1] = 1.0
        A[j - 1, i - 1] = 1.0
    deg = A.sum(axis=1)
    d_inv_sqrt = np.diag(deg ** -0.5)
    return torch.from_numpy(d_inv_sqrt @ A @ d_inv_sqrt)


class STGCNBlock(nn.Module):
    def __init__(self, in_ch, out_ch, adjacency, t_kernel=9, stride=1):
        super().__init__()
        self.register_buffer("A", adjacency)
        self.spatial = nn.Conv2d(in_ch, out_ch, kernel_size=1)
        pad = (t_kernel - 1) // 2
        self.temporal = nn.Sequential(
            nn.BatchNorm2d(out_ch),
            nn.ReLU(inplace=True),
            nn.Conv2d(out_ch, out_ch, (t_kernel, 1), (stride, 1), (pad, 0)),
            nn.BatchNorm2d(out_ch),
        )
        if in_ch == out_ch and stride == 1:
            self.residual = nn.Identity()
        else:
            self.residual = nn.Conv2d(in_ch, out_ch, 1, (stride, 1))

    def forward(self, x):                      # x: (N*M, C, T, V)
        res = self.residual(x)
        x = self.spatial(x)
        x = torch.einsum("nctv,vw->nctw", x, self.A)
        x = self.temporal(x)
        return F.relu(x + res)


class InteractionSTGCN(nn.Module):
    def __init__(self, widths=(32, 64, 64), num_classes=NUM_ACTIONS):
        super().__init__()
        A = normalized_adjacency(NUM_JOINTS, NTU_BONES)
        self.data_bn = nn.BatchNorm1d(3 * NUM_JOINTS * NUM_BODIES)
        chans = [3] + list(widths)
        self.blocks = nn.ModuleList(
            STGCNBlock(chans[k], chans[k + 1], A, stride=2 if k == 1 else 1)
            for k in range(len(widths))
        )
        self.fc = nn.Linear(widths[-1], num_classes)

    def forward(self, skel):                   # (N, C, T, V, M)
        N, C, T, V, M = skel.shape
        x = skel.permute(0, 4, 3, 1, 2).reshape(N, M * V * C, T)
        x = self.data_bn(x)
        x = x.view(N, M, V, C, T).permute(0, 1, 3, 4, 2).reshape(N * M, C, T, V)
        for blk in self.blocks:
            x = blk(x)
        feat = x.mean(dim=(2, 3))              # (N*M, C')
        feat = feat.view(N, M * feat.shape[1])  # both bodies side by side
        return self.fc(feat)


def synthetic_batch(batch_size, frames=40):
    skel = torch.randn(batch_size, 3, frames, NUM_JOINTS, NUM_BODIES) * 0.3
    # put the second body half a metre to the right of the first
    skel[:, 0, :, :, 1] += 0.5
    labels = torch.randint(0, NUM_ACTIONS, (batch_size,))
    return skel, labels


def run_epoch(model, opt, steps=4, batch_size=6):
    model.train()
    running = 0.0
    for _ in range(steps):
        skel, labels = synthetic_batch(batch_size)
        logits = model(skel)
        loss = F.cross_entropy(logits, labels)
        opt.zero_grad()
        loss.backward()
        opt.step()
        running += loss.item()
    return running / steps


if __name__ == "__main__":
    model = InteractionSTGCN()
    opt = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
    for epoch in range(3):
        print(f"epoch {epoch}: loss {run_epoch(model, opt):.4f}")
    model.eval()
    with torch.no_grad():
        skel, labels = synthetic_batch(8)
        pred = model(skel).argmax(1)
    print("val acc", (pred == labels).float().mean().item())
