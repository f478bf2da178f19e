"""Small ST-GCN baseline on an NTU RGB+D style subset (25 Kinect joints).

Clips are stored one per file, named with the NTU convention
SsssCcccPpppRrrrAaaa (setup, camera, performer, replication, action).
"""
import os
import tempfile

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, Dataset

NUM_JOINTS = 25
NUM_FRAMES = 32
# NTU bone list, 1-based joint numbers as in the dataset paper
NTU_BONES = [(1, 2), (2, 21), (3, 21), (4, 3), (5, 21), (6, 5), (7, 6), (8, 7),
             (9, 21), (10, 9), (11, 10), (12, 11), (13, 1), (14, 13), (15, 14),
             (16, 15), (17, 1), (18, 17), (19, 18), (20, 19), (22, 23), (23, 8),
             (24, 25), (25, 12)]
ACTIONS = {1: "drink water", 2: "eat meal", 3: "brush teeth", 4: "brush hair",
           5: "drop", 6: "pick up", 7: "throw", 8: "sit down", 9: "stand up",
           10: "clapping"}


def make_fake_subset(root, per_action=4):
    rng = np.random.default_rng(0)
    for action in ACTIONS:
        for rep in range(per_action):
            name = f"S001C00{rep % 3 + 1}P00{rep + 1}R001A{action:03d}.npy"
            joints = rng.normal(size=(NUM_FRAMES, NUM_JOINTS, 3)).astype(np.float32)
            joints[:, :, 1] += 0.05 * action * np.sin(np.linspace(0, 3, NUM_FRAMES))[:, None]
            np.save(os.path.join(root, name), joints)


def normalized_adjacency():
    adj = np.eye(NUM_JOINTS, dtype=np.float32)
    for a, b in NTU_BONES:
        adj[a - 1, b - 1] = adj[b - 1, a - 1] = 1.0
    deg = adj.sum(1)
    d_inv_sqrt = np.diag(deg ** -0.5)
    return torch.from_numpy(d_inv_sqrt @ adj @ d_inv_sqrt)


class NTUClips(Dataset):
    def __init__(self, root):
        self.files = sorted(f for f in os.listdir(root) if f.endswith(".npy"))
        self.root = root

    def __len__(self):
        return len(self.files)

    def __getitem__(self, idx):
        fname = self.files[idx]
        seq = np.load(os.path.join(self.root, fname))
        seq = seq - seq[:, 0:1, :]                  # center on spine base
        action_id = int(fname[fname.index("A") + 1:fname.index("A") + 4]) - 1
        return torch.from_numpy(seq).permute(2, 0, 1), action_id   # (C, T, V)


class STGCNBlock(nn.Module):
    def __init__(self, c_in, c_out, adj, stride=1):
        super().__init__()
        self.register_buffer("adj", adj)
        self.spatial = nn.Conv2d(c_in, c_out, kernel_size=1)
        self.temporal = nn.Conv2d(c_out, c_out, kernel_size=(9, 1), padding=(4, 0), stride=(stride, 1))
        self.bn = nn.BatchNorm2d(c_out)
        self.residual = (nn.Identity() if c_in == c_out and stride == 1
                         else nn.Conv2d(c_in, c_out, kernel_size=1, stride=(stride, 1)))

    def forward(self, x):
        res = self.residual(x)
        x = torch.einsum("nctv,vw->nctw", self.spatial(x), self.adj)
        x = self.bn(self.temporal(F.relu(x)))
        return F.relu(x + res)


class STGCN(nn.Module):
    def __init__(self, num_classes, adj):
        super().__init__()
        self.data_bn = nn.BatchNorm1d(3 * NUM_JOINTS)
        self.blocks = nn.Sequential(
            STGCNBlock(3, 32, adj),
            STGCNBlock(32, 32, adj),
            STGCNBlock(32, 64, adj, stride=2),
        )
        self.fc = nn.Linear(64, num_classes)

    def forward(self, x):
        n, c, t, v = x.shape
        x = self.data_bn(x.permute(0, 3, 1, 2).reshape(n, v * c, t))
        x = x.reshape(n, v, c, t).permute(0, 2, 3, 1)
        x = self.blocks(x)
        return self.fc(x.mean(dim=(2, 3)))


def main():
    torch.manual_seed(0)
    root = tempfile.mkdtemp(prefix="ntu_subset_")
    make_fake_subset(root)
    dataset = NTUClips(root)
    loader = DataLoader(dataset, batch_size=8, shuffle=True)

    model = STGCN(num_classes=len(ACTIONS), adj=normalized_adjacency())
    optimizer = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9, weight_decay=1e-4)

    for epoch in range(4):
        model.train()
        total, correct, running = 0, 0, 0.0
        for skeletons, action_ids in loader:
            scores = model(skeletons)
            loss = F.cross_entropy(scores, action_ids)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            running += loss.item() * skeletons.size(0)
            correct += (scores.argmax(1) == action_ids).sum().item()
            total += skeletons.size(0)
        print(f"epoch {epoch}: loss {running / total:.3f}  top1 {correct / total:.2%}")


if __name__ == "__main__":
    main()
