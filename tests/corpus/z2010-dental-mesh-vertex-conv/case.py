"""Per-vertex labelling of toy intraoral scan meshes (gingiva + four tooth sectors).
All scans share one template topology (a deformed UV sphere), so the normalized adjacency is
built once and tiled block-diagonally so that one sparse matmul smooths the whole batch."""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(3)

N_RINGS, N_SEGMENTS = 12, 24
NUM_LABELS = 5
HIDDEN = [32, 32, 32]


def template_mesh(n_rings, n_segments):
    verts, faces = [], []
    for i in range(1, n_rings):
        theta = math.pi * i / n_rings
        for j in range(n_segments):
            phi = 2 * math.pi * j / n_segments
            verts.append((math.sin(theta) * math.cos(phi), math.sin(theta) * math.sin(phi), math.cos(theta)))
    for i in range(n_rings - 2):
        for j in range(n_segments):
            a = i * n_segments + j
            b = i * n_segments + (j + 1) % n_segments
            c, d = a + n_segments, b + n_segments
            faces += [(a, c, b), (b, c, d)]
    return torch.tensor(verts), torch.tensor(faces)


def normalized_adjacency(faces, n_verts):
    edges = torch.cat([faces[:, [0, 1]], faces[:, [1, 2]], faces[:, [2, 0]]])
    edges = torch.cat([edges, edges.flip(1)]).unique(dim=0)
    loops = torch.arange(n_verts).unsqueeze(1).repeat(1, 2)
    edges = torch.cat([edges, loops])
    deg = torch.bincount(edges[:, 0], minlength=n_verts).float()
    vals = 1.0 / torch.sqrt(deg[edges[:, 0]] * deg[edges[:, 1]])
    return torch.sparse_coo_tensor(edges.T, vals, (n_verts, n_verts)).coalesce()


def tile_adjacency(adj, copies):
    n = adj.shape[0]
    idx, vals = adj.indices(), adj.values()
    offsets = (torch.arange(copies) * n).repeat_interleave(idx.shape[1])
    big_idx = idx.repeat(1, copies) + offsets
    return torch.sparse_coo_tensor(big_idx, vals.repeat(copies), (n * copies, n * copies)).coalesce()


def vertex_normals(verts, faces):
    tri = verts[faces]
    fn = torch.cross(tri[:, 1] - tri[:, 0], tri[:, 2] - tri[:, 0], dim=1)
    vn = torch.zeros_like(verts).index_add_(0, faces.reshape(-1), fn.repeat_interleave(3, dim=0))
    return F.normalize(vn, dim=1)


def synth_scan(template, faces):
    bumps = 1.0 + 0.08 * torch.sin(4 * torch.atan2(template[:, 1], template[:, 0]) + torch.rand(1) * 6.28)
    verts = template * bumps.unsqueeze(1) * (0.9 + 0.2 * torch.rand(1, 3))
    normals = vertex_normals(verts, faces)
    feats = torch.cat([verts, normals, verts.norm(dim=1, keepdim=True)], dim=1)  # (V, 7)
    sector = ((torch.atan2(verts[:, 1], verts[:, 0]) + math.pi) / (2 * math.pi) * 4).long().clamp(max=3)
    labels = torch.where(verts[:, 2] < -0.3, torch.zeros_like(sector), sector + 1)
    return feats, labels


class GraphBlock(nn.Module):
    def __init__(self, in_ch, out_ch):
        super().__init__()
        self.mix = nn.Conv1d(in_ch, out_ch, kernel_size=1)
        self.norm = nn.BatchNorm1d(out_ch)

    def forward(self, h, adj):
        h = self.mix(h)                                   # (B, C, V)
        B, C, V = h.shape
        rows = h.transpose(1, 2).view(B * V, C)
        smoothed = torch.sparse.mm(adj, rows)
        h = smoothed.view(B, V, C).transpose(1, 2)
        return F.relu(self.norm(h))


class MeshSegmenter(nn.Module):
    def __init__(self, in_ch, hidden, num_labels):
        super().__init__()
        dims = [in_ch] + hidden
        self.blocks = nn.ModuleList(GraphBlock(a, b) for a, b in zip(dims[:-1], dims[1:]))
        self.classifier = nn.Conv1d(hidden[-1], num_labels, kernel_size=1)

        self._tiled = {}

    def batch_adjacency(self, adj, batch_size):
        if batch_size not in self._tiled:
            self._tiled[batch_size] = tile_adjacency(adj, batch_size)
        return self._tiled[batch_size]

    def forward(self, vert_feats, adj):
        h = vert_feats.transpose(1, 2)                      # (B, 7, V)
        big_adj = self.batch_adjacency(adj, h.shape[0])
        for block in self.blocks:
            h = block(h, big_adj)
        return self.classifier(h)                          # (B, NUM_LABELS, V)


def main():
    template, faces = template_mesh(N_RINGS, N_SEGMENTS)
    adj = normalized_adjacency(faces, template.shape[0])
    print(f"template: {template.shape[0]} vertices, {faces.shape[0]} faces, {adj._nnz()} adjacency entries")

    scans = [synth_scan(template, faces) for _ in range(32)]
    vert_feats = torch.stack([s[0] for s in scans])
    vert_labels = torch.stack([s[1] for s in scans])

    model = MeshSegmenter(vert_feats.shape[-1], HIDDEN, NUM_LABELS)
    opt = torch.optim.Adam(model.parameters(), lr=5e-3)
    for epoch in range(10):
        perm = torch.randperm(len(scans))
        for start in range(0, len(scans), 8):
            idx = perm[start:start + 8]
            logits = model(vert_feats[idx], adj)
            loss = F.cross_entropy(logits, vert_labels[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
        if epoch % 5 == 0:
            print(f"epoch {epoch:2d} loss {loss.item():.4f}")

    model.eval()
    with torch.no_grad():
        pred = model(vert_feats[:4], adj).argmax(dim=1)
    acc = (pred == vert_labels[:4]).float().mean().item()
    print(f"vertex accuracy on 4 scans: {acc:.3f}")


if __name__ == "__main__":
    main()
