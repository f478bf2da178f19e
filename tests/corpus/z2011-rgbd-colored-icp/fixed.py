"""Register an RGB-D capture of a painted object to its coloured reference point cloud with a
colour-weighted point-to-point ICP. The depth map is rendered from the reference under an
unknown pose, back-projected with the camera intrinsics and paired with the RGB image."""
import math

import torch

torch.manual_seed(11)

IMG_H, IMG_W = 60, 80
INTRINSICS = torch.tensor([[70.0, 0.0, IMG_W / 2], [0.0, 70.0, IMG_H / 2], [0.0, 0.0, 1.0]])
ICP_ITERS = 25
MAX_CORR_DIST = 0.15
COLOR_SIGMA = 0.2


def reference_object(n_points=3000):
    """Points on the surface of a painted box, colour depends on which face they lie on."""
    face = torch.randint(0, 6, (n_points,))
    uv = torch.rand(n_points, 2) * 2 - 1
    axis, sign = face // 2, (face % 2) * 2 - 1
    xyz = torch.zeros(n_points, 3)
    for a in range(3):
        on_axis = axis == a
        others = [d for d in range(3) if d != a]
        xyz[on_axis, a] = sign[on_axis].float()
        xyz[on_axis.nonzero().squeeze(1).unsqueeze(1), torch.tensor(others)] = uv[on_axis]
    xyz = xyz * torch.tensor([0.3, 0.2, 0.15])
    palette = torch.tensor([[0.9, 0.1, 0.1], [0.1, 0.8, 0.2], [0.1, 0.2, 0.9],
                            [0.9, 0.9, 0.1], [0.8, 0.3, 0.8], [0.2, 0.9, 0.9]])
    return xyz, palette[face]


def rotation(rx, ry, rz):
    cx, sx, cy, sy, cz, sz = math.cos(rx), math.sin(rx), math.cos(ry), math.sin(ry), math.cos(rz), math.sin(rz)
    Rx = torch.tensor([[1, 0, 0], [0, cx, -sx], [0, sx, cx]])
    Ry = torch.tensor([[cy, 0, sy], [0, 1, 0], [-sy, 0, cy]])
    Rz = torch.tensor([[cz, -sz, 0], [sz, cz, 0], [0, 0, 1]])
    return Rz @ Ry @ Rx


def render_rgbd(xyz, rgb, R, t, K):
    cam = xyz @ R.T + t
    uvw = cam @ K.T
    u = (uvw[:, 0] / uvw[:, 2]).round().long()
    v = (uvw[:, 1] / uvw[:, 2]).round().long()
    inside = (u >= 0) & (u < IMG_W) & (v >= 0) & (v < IMG_H) & (cam[:, 2] > 0)
    pix = v[inside] * IMG_W + u[inside]
    z = cam[inside, 2] + 0.003 * torch.randn(pix.shape[0])
    depth = torch.full((IMG_H * IMG_W,), float("inf")).scatter_reduce(0, pix, z, reduce="amin")
    winner = torch.zeros(IMG_H * IMG_W, dtype=torch.long)
    winner[pix[z <= depth[pix]]] = inside.nonzero().squeeze(1)[z <= depth[pix]]
    image = rgb[winner] + 0.03 * torch.randn(IMG_H * IMG_W, 3)
    depth[depth.isinf()] = 0.0
    return depth.view(IMG_H, IMG_W), image.view(IMG_H, IMG_W, 3).clamp(0, 1)


def backproject(depth, image, K):
    v, u = torch.meshgrid(torch.arange(IMG_H), torch.arange(IMG_W), indexing="ij")
    valid = depth > 0
    z = depth[valid]
    x = (u[valid].float() - K[0, 2]) * z / K[0, 0]
    y = (v[valid].float() - K[1, 2]) * z / K[1, 1]
    return torch.cat([torch.stack([x, y, z], dim=1), image[valid]], dim=1)


def apply_pose(scan, R, t):
    return torch.cat([scan[:, :3] @ R.T + t, scan[:, 3:]], dim=1)


def nearest_neighbours(query, reference):
    dists = torch.cdist(query, reference)
    return dists.min(dim=1)


def weighted_kabsch(src, dst, w):
    w = w / w.sum()
    mu_s, mu_d = (w[:, None] * src).sum(0), (w[:, None] * dst).sum(0)
    H = ((src - mu_s) * w[:, None]).T @ (dst - mu_d)
    U, _, Vt = torch.linalg.svd(H)
    D = torch.diag(torch.tensor([1.0, 1.0, torch.sign(torch.det(Vt.T @ U.T)).item()]))
    R = Vt.T @ D @ U.T
    return R, mu_d - R @ mu_s


def colored_icp(scan, ref_xyz, ref_rgb, R_init, t_init):
    R, t = R_init.clone(), t_init.clone()
    for it in range(ICP_ITERS):
        moved = apply_pose(scan, R, t)
        dist, idx = nearest_neighbours(moved[:, :3], ref_xyz)
        keep = dist < MAX_CORR_DIST
        color_err = (moved[keep, 3:] - ref_rgb[idx[keep]]).norm(dim=1)
        w = torch.exp(-(color_err / COLOR_SIGMA) ** 2)
        dR, dt = weighted_kabsch(moved[keep, :3], ref_xyz[idx[keep]], w)
        R, t = dR @ R, dR @ t + dt
        if it % 5 == 0:
            print(f"iter {it:2d}: inliers={keep.sum().item():4d} rmse={dist[keep].pow(2).mean().sqrt().item():.4f}")
    return R, t


def main():
    ref_xyz, ref_rgb = reference_object()
    R_obj = rotation(0.4, -0.3, 0.6)
    t_obj = torch.tensor([0.02, -0.03, 1.2])
    depth, image = render_rgbd(ref_xyz, ref_rgb, R_obj, t_obj, INTRINSICS)
    scan = backproject(depth, image, INTRINSICS)
    print(f"depth pixels: {int((depth > 0).sum())}, scan points: {tuple(scan.shape)}")

    # scan -> object frame: inverse of the camera pose, perturbed as a rough initial guess
    R_guess = R_obj.T @ rotation(0.08, -0.05, 0.1)
    t_guess = -R_guess @ t_obj + 0.03
    R_est, t_est = colored_icp(scan, ref_xyz, ref_rgb, R_guess, t_guess)

    R_true, t_true = R_obj.T, -R_obj.T @ t_obj
    angle = torch.arccos(((R_est.T @ R_true).trace() - 1).clamp(-2, 2) / 2)
    print(f"rotation error {math.degrees(angle.item()):.2f} deg, "
          f"translation error {(t_est - t_true).norm().item() * 100:.2f} cm")


if __name__ == "__main__":
    main()
