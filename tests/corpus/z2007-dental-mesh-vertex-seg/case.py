"""Per-vertex tooth labelling on intraoral scan meshes (MeshSegNet-like).

Vertex features: position, vertex normal, and a discrete curvature proxy.
Neighbourhood aggregation uses the mesh edge list.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F

NUM_TOOTH_LABELS = 9     # gingiva + 8 teeth of one quadrant
GRID_W, GRID_H = 40, 24  # scan resolution (vertices per row / column)


def make_arch_mesh(gen):
    """Height-field surface shaped like a dental arch with bumps for teeth."""
    u = torch.linspace(0, 1, GRID_W)
    v = torch.linspace(0, 1, GRID_H)
    uu, vv = torch.meshgrid(u, v, indexing="ij")
    tooth_id = (uu * 8).clamp(max=7.999).long() + 1
    bump = torch.exp(-((uu * 8) % 1 - 0.5) ** 2 / 0.05) * torch.exp(-(vv - 0.5) ** 2 / 0.08)
    z = 0.6 * bump + 0.02 * torch.randn(uu.shape, generator=gen)
    verts = torch.stack([uu * 6.0, vv * 2.0, z], dim=-1).reshape(-1, 3)
    labels = torch.where(bump.reshape(-1) > 0.3, tooth_id.reshape(-1), torch.zeros_like(tooth_id.reshape(-1)))

    idx = torch.arange(GRID_W * GRID_H).reshape(GRID_W, GRID_H)
    a, b = idx[:-1, :-1].reshape(-1), idx[1:, :-1].reshape(-1)
    c, d = idx[:-1, 1:].reshape(-1), idx[1:, 1:].reshape(-1)
    faces = torch.cat([torch.stack([a, b, c], 1), torch.stack([b, d, c], 1)])
    return verts, faces, labels


def vertex_normals(verts, faces):
    v0, v1, v2 = verts[faces[:, 0]], verts[faces[:, 1]], verts[faces[:, 2]]
    fn = torch.cross(v1 - v0, v2 - v0, dim=1)
    vn = torch.zeros_like(verts)
    for k in range(3):
        vn.index_add_(0, faces[:, k], fn)
    return F.normalize(vn, dim=1)


def edge_index(faces):
    e = torch.cat([faces[:, [0, 1]], faces[:, [1, 2]], faces[:, [2, 0]]])
    e = torch.cat([e, e.flip(1)])
    return torch.unique(e, dim=0).t()          # (2, E)


def vertex_features(verts, faces, edges):
    normals = vertex_normals(verts, faces)
    src, dst = edges
    deg = torch.bincount(dst, minlength=verts.shape[0]).clamp(min=1).unsqueeze(1)
    nbr_mean = torch.zeros_like(verts).index_add_(0, dst, verts[src]) / deg
    curvature = ((verts - nbr_mean) * normals).sum(dim=1, keepdim=True)
    return torch.cat([verts - verts.mean(0), normals, curvature], dim=1)   # (V, 7)


class MeshSegNet(nn.Module):
    def __init__(self, in_dim=7, hidden=64, n_labels=NUM_TOOTH_LABELS):
        super().__init__()
        self.mlp1 = nn.Sequential(nn.Conv1d(in_dim, hidden, 1), nn.BatchNorm1d(hidden), nn.ReLU())
        self.mlp2 = nn.Sequential(nn.Conv1d(2 * hidden, hidden, 1), nn.BatchNorm1d(hidden), nn.ReLU())
        self.cls = nn.Conv1d(2 * hidden, n_labels, 1)

    def aggregate(self, h, edges):
        src, dst = edges
        out = torch.zeros_like(h).index_add_(2, dst, h[:, :, src])
        deg = torch.bincount(dst, minlength=h.shape[2]).clamp(min=1)
        return out / deg

    def forward(self, feats, edges):
        h = self.mlp1(feats.transpose(1, 2))                     # (B, hidden, V)
        h = self.mlp2(torch.cat([h, self.aggregate(h, edges)], dim=1))
        g = h.amax(dim=2, keepdim=True).expand_as(h)
        return self.cls(torch.cat([h, g], dim=1))                # (B, labels, V)


def main():
    gen = torch.Generator().manual_seed(3)
    scans = [make_arch_mesh(gen) for _ in range(4)]
    faces = scans[0][1]
    edges = edge_index(faces)
    feats = torch.stack([vertex_features(v, faces, edges) for v, _, _ in scans])
    labels = torch.stack([lab for _, _, lab in scans])
    print(f"{feats.shape[0]} scans, {feats.shape[1]} vertices, {edges.shape[1]} directed edges")

    counts = torch.bincount(labels.reshape(-1), minlength=NUM_TOOTH_LABELS).float()
    class_w = (counts.sum() / (counts + 1)).clamp(max=20.0)
    class_w = class_w / class_w.mean()

    model = MeshSegNet()
    opt = torch.optim.Adam(model.parameters(), lr=2e-3)
    for step in range(20):
        out = model(feats, edges)
        flat_logits = out.transpose(1, 2).view(-1, NUM_TOOTH_LABELS)
        loss = F.cross_entropy(flat_logits, labels.reshape(-1), weight=class_w)
        opt.zero_grad()
        loss.backward()
        opt.step()
        if step % 5 == 0:
            acc = (flat_logits.argmax(1) == labels.reshape(-1)).float().mean().item()
            print(f"step {step:2d} loss {loss.item():.3f} vertex acc {acc:.3f}")


if __name__ == "__main__":
    main()
