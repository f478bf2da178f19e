"""Shape classification of triangle meshes from local vertex patches.

Vertex features = position + area-weighted vertex normal. For every mesh we
pick anchor vertices with farthest point sampling, group the k nearest
vertices around each anchor, encode each patch with a small MLP and max-pool
the patch codes into a shape descriptor.
"""
import math
import random

import torch
import torch.nn as nn
import torch.nn.functional as F

NUM_ANCHORS = 192
PATCH_K = 16
SHAPES = ["sphere", "ellipsoid", "cylinder", "torus"]


def parametric_mesh(kind, rings, segs):
    u = torch.linspace(0, 2 * math.pi, segs + 1)[:-1]
    v = torch.linspace(0.05, math.pi - 0.05, rings)
    vv, uu = torch.meshgrid(v, u, indexing="ij")
    if kind == "sphere":
        xyz = torch.stack([vv.sin() * uu.cos(), vv.sin() * uu.sin(), vv.cos()], -1)
    elif kind == "ellipsoid":
        xyz = torch.stack([1.6 * vv.sin() * uu.cos(), 0.8 * vv.sin() * uu.sin(), 0.5 * vv.cos()], -1)
    elif kind == "cylinder":
        xyz = torch.stack([uu.cos(), uu.sin(), (vv - math.pi / 2) * 0.8], -1)
    else:
        r = 1.0 + 0.35 * (2 * vv).cos()
        xyz = torch.stack([r * uu.cos(), r * uu.sin(), 0.35 * (2 * vv).sin()], -1)
    verts = xyz.reshape(-1, 3) + 0.01 * torch.randn(rings * segs, 3)
    faces = []
    for i in range(rings - 1):
        for j in range(segs):
            a, b = i * segs + j, i * segs + (j + 1) % segs
            c, d = a + segs, b + segs
            faces += [(a, b, c), (b, d, c)]
    return verts, torch.tensor(faces, dtype=torch.long)


def vertex_normals(verts, faces):
    tri = verts[faces]
    fn = torch.cross(tri[:, 1] - tri[:, 0], tri[:, 2] - tri[:, 0], dim=1)
    vn = torch.zeros_like(verts)
    for corner in range(3):
        vn.index_add_(0, faces[:, corner], fn)
    return F.normalize(vn, dim=1)


def farthest_point_sample(xyz, n_samples):
    n_samples = min(n_samples, xyz.shape[0])
    chosen = torch.zeros(n_samples, dtype=torch.long)
    min_d = torch.full((xyz.shape[0],), float("inf"))
    current = 0
    for i in range(n_samples):
        chosen[i] = current
        min_d = torch.minimum(min_d, ((xyz - xyz[current]) ** 2).sum(-1))
        current = int(min_d.argmax())
    return chosen


def group_patches(verts, vfeat, anchor_idx, k):
    patches = []
    for i in range(NUM_ANCHORS):
        centre = verts[anchor_idx[i]]
        d = ((verts - centre) ** 2).sum(-1)
        nbr = d.topk(k, largest=False).indices
        local = vfeat[nbr].clone()
        local[:, :3] -= centre
        patches.append(local)
    return torch.stack(patches)


class PatchClassifier(nn.Module):
    def __init__(self, n_cls, feat_dim=6, width=64):
        super().__init__()
        self.patch_mlp = nn.Sequential(nn.Linear(feat_dim, width), nn.ReLU(), nn.Linear(width, width * 2))
        self.cls = nn.Sequential(nn.Linear(width * 2, width), nn.ReLU(), nn.Linear(width, n_cls))

    def forward(self, patches):
        codes = self.patch_mlp(patches).max(dim=1).values
        shape_code = codes.max(dim=0).values
        return self.cls(shape_code)


def build_dataset(n_meshes, seed=0):
    rnd = random.Random(seed)
    data = []
    for _ in range(n_meshes):
        label = rnd.randrange(len(SHAPES))
        rings, segs = rnd.randint(8, 24), rnd.randint(12, 32)
        verts, faces = parametric_mesh(SHAPES[label], rings, segs)
        vfeat = torch.cat([verts, vertex_normals(verts, faces)], dim=1)
        data.append((verts, vfeat, label))
    return data


def main():
    torch.manual_seed(0)
    meshes = build_dataset(40)
    model = PatchClassifier(len(SHAPES))
    opt = torch.optim.Adam(model.parameters(), lr=3e-3)
    for epoch in range(2):
        total, hits = 0.0, 0
        for verts, vfeat, label in meshes:
            anchor_idx = farthest_point_sample(verts, NUM_ANCHORS)
            patches = group_patches(verts, vfeat, anchor_idx, PATCH_K)
            logits = model(patches)
            loss = F.cross_entropy(logits[None], torch.tensor([label]))
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item()
            hits += int(logits.argmax() == label)
        print(f"epoch {epoch}: loss {total / len(meshes):.3f} acc {hits / len(meshes):.2f}")


if __name__ == "__main__":
    main()
