import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(3)

NUM_JOINTS = 17
NUM_QUERIES = 12
# COCO per-joint falloff constants
JOINT_SIGMAS = torch.tensor([.26, .25, .25, .35, .35, .79, .79, .72, .72, .62, .62,
                             1.07, 1.07, .87, .87, .89, .89]) / 10.0


def synth_frame(h, w):
    """One frame from the gym camera: a random number of people, joints as (x, y, visibility)."""
    n_people = int(torch.randint(1, 5, (1,)))
    centers = torch.rand(n_people, 1, 2) * torch.tensor([w * 0.6, h * 0.6]) + torch.tensor([w * 0.2, h * 0.2])
    spread = torch.rand(n_people, 1, 1) * 30 + 20
    xy = centers + torch.randn(n_people, NUM_JOINTS, 2) * spread
    vis = torch.randint(0, 3, (n_people, NUM_JOINTS, 1)).float()
    boxes_wh = xy.amax(1) - xy.amin(1)
    return {"image": torch.randn(3, h, w), "joints": torch.cat([xy, vis], -1),
            "area": boxes_wh.prod(-1).clamp(min=64.0)}


def collate_frames(frames):
    n_max = max(f["joints"].shape[0] for f in frames)
    B = len(frames)
    joints = torch.zeros(B, n_max, NUM_JOINTS, 3)
    areas = torch.ones(B, n_max)
    athlete_pad = torch.ones(B, n_max, dtype=torch.bool)
    for b, f in enumerate(frames):
        n = f["joints"].shape[0]
        joints[b, :n] = f["joints"]
        areas[b, :n] = f["area"]
        athlete_pad[b, :n] = 0
    images = torch.stack([f["image"] for f in frames])
    return images, joints, areas, athlete_pad


class QueryPoseHead(nn.Module):
    def __init__(self, dim=64):
        super().__init__()
        self.stem = nn.Sequential(
            nn.Conv2d(3, 32, 3, stride=2, padding=1), nn.ReLU(),
            nn.Conv2d(32, dim, 3, stride=2, padding=1), nn.ReLU(),
        )
        self.queries = nn.Embedding(NUM_QUERIES, dim)
        self.attn = nn.MultiheadAttention(dim, 4, batch_first=True)
        self.kp_out = nn.Linear(dim, NUM_JOINTS * 2)
        self.person_logit = nn.Linear(dim, 1)

    def forward(self, images):
        B, _, H, W = images.shape
        mem = self.stem(images).flatten(2).transpose(1, 2)
        q = self.queries.weight.unsqueeze(0).expand(B, -1, -1)
        q, _ = self.attn(q, mem, mem)
        kps = self.kp_out(q).sigmoid().view(B, NUM_QUERIES, NUM_JOINTS, 2)
        kps = kps * torch.tensor([W, H], dtype=kps.dtype)
        return kps, self.person_logit(q).squeeze(-1)


def oks_matrix(pred_kps, gt_joints, gt_area):
    # pred (B, Q, J, 2), gt (B, N, J, 3) -> (B, Q, N)
    d2 = ((pred_kps[:, :, None] - gt_joints[:, None, :, :, :2]) ** 2).sum(-1)
    k2 = (2 * JOINT_SIGMAS) ** 2
    e = d2 / (2 * gt_area[:, None, :, None] * k2 + 1e-6)
    vis = (gt_joints[..., 2] > 0).float()[:, None]
    return (torch.exp(-e) * vis).sum(-1) / vis.sum(-1).clamp(min=1)


@torch.no_grad()
def greedy_match(pred_kps, person_logit, gt_joints, gt_area, athlete_pad):
    cost = -oks_matrix(pred_kps, gt_joints, gt_area) - 0.1 * person_logit.sigmoid()[..., None]
    cost = cost.masked_fill(athlete_pad[:, None, :], float("inf"))
    matches = []
    for b in range(cost.shape[0]):
        c = cost[b].clone()
        pairs = []
        while torch.isfinite(c).any():
            flat = torch.argmin(c)
            qi, gi = divmod(flat.item(), c.shape[1])
            pairs.append((qi, gi))
            c[qi, :] = float("inf")
            c[:, gi] = float("inf")
        matches.append(pairs)
    return matches


def pose_loss(pred_kps, person_logit, gt_joints, matches):
    kp_terms, obj_target = [], torch.zeros_like(person_logit)
    for b, pairs in enumerate(matches):
        for qi, gi in pairs:
            vis = gt_joints[b, gi, :, 2] > 0
            if vis.any():
                kp_terms.append(F.l1_loss(pred_kps[b, qi][vis], gt_joints[b, gi, vis, :2]))
            obj_target[b, qi] = 1.0
    kp_loss = torch.stack(kp_terms).mean() / 100.0
    obj_loss = F.binary_cross_entropy_with_logits(person_logit, obj_target)
    return kp_loss + obj_loss, kp_loss, obj_loss


def main():
    frames = [synth_frame(128, 160) for _ in range(4)]
    images, joints, areas, athlete_pad = collate_frames(frames)
    print("people per frame:", [f["joints"].shape[0] for f in frames])

    model = QueryPoseHead()
    opt = torch.optim.AdamW(model.parameters(), lr=1e-3)
    for it in range(5):
        pred_kps, person_logit = model(images)
        matches = greedy_match(pred_kps, person_logit, joints, areas, athlete_pad)
        loss, kp_loss, obj_loss = pose_loss(pred_kps, person_logit, joints, matches)
        opt.zero_grad()
        loss.backward()
        opt.step()
        print(f"iter {it}: loss={loss.item():.4f} kp={kp_loss.item():.4f} obj={obj_loss.item():.4f}")


if __name__ == "__main__":
    main()
