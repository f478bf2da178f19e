"""Hand keypoint estimation with a patch-token backbone and integral regression.

A crop of the hand (64x64) is split into 8x8 patches, a small transformer
encoder mixes the patch tokens, and a linear head predicts one heatmap logit
per joint per patch cell.  Keypoint coordinates are recovered with a
differentiable soft-argmax and trained with an L1 loss against the
ground-truth 2D joints (21 joints, MediaPipe/FreiHAND ordering).
"""
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(7)

CROP = 64
PATCH = 8
GRID = CROP // PATCH          # 8x8 heatmap
NUM_HAND_JOINTS = 21


class PatchPoseNet(nn.Module):
    def __init__(self, dim=48, depth=2, heads=4):
        super().__init__()
        self.patchify = nn.Conv2d(3, dim, kernel_size=PATCH, stride=PATCH)
        self.pos = nn.Parameter(torch.zeros(1, GRID * GRID, dim))
        layer = nn.TransformerEncoderLayer(dim, heads, dim * 2, dropout=0.0,
                                           batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, depth)
        self.joint_head = nn.Linear(dim, NUM_HAND_JOINTS)

    def forward(self, crops):
        tokens = self.patchify(crops).flatten(2).transpose(1, 2)   # (B, G*G, D)
        tokens = self.encoder(tokens + self.pos)
        logits = self.joint_head(tokens)                           # (B, G*G, K)
        b = logits.shape[0]
        heatmaps = logits.view(b, GRID, GRID, NUM_HAND_JOINTS)
        return heatmaps.permute(0, 3, 1, 2)                        # (B, K, G, G)


def soft_argmax_2d(heatmaps, beta=10.0):
    """Expected (x, y) location of each heatmap, in crop pixels."""
    b, k, h, w = heatmaps.shape
    flat = heatmaps.reshape(b * k, h * w)
    prob = F.softmax(beta * flat, dim=-1).view(b, k, h, w)
    xs = (torch.arange(w, dtype=prob.dtype) + 0.5) * (CROP / w)
    ys = (torch.arange(h, dtype=prob.dtype) + 0.5) * (CROP / h)
    x = (prob.sum(dim=2) * xs).sum(dim=-1)
    y = (prob.sum(dim=3) * ys).sum(dim=-1)
    return torch.stack([x, y], dim=-1)                             # (B, K, 2)


def fake_hand_batch(batch_size):
    crops = torch.rand(batch_size, 3, CROP, CROP)
    wrist = torch.tensor([CROP / 2, CROP * 0.85])
    # fingers fan out upward from the wrist
    angles = torch.linspace(-0.8, 0.8, 5)
    joints = [wrist]
    for a in angles:
        direction = torch.stack([torch.sin(a), -torch.cos(a)])
        for seg in range(1, 5):
            joints.append(wrist + direction * seg * 9.0)
    joints = torch.stack(joints)                                   # (21, 2)
    jitter = torch.randn(batch_size, NUM_HAND_JOINTS, 2) * 1.5
    return crops, (joints.unsqueeze(0) + jitter).clamp(0, CROP - 1)


def pck(pred, gt, thresh_px=4.0):
    dist = (pred - gt).norm(dim=-1)
    return (dist < thresh_px).float().mean().item()


def main():
    net = PatchPoseNet()
    opt = torch.optim.Adam(net.parameters(), lr=1e-3)
    for step in range(30):
        crops, gt_joints = fake_hand_batch(16)
        heatmaps = net(crops)
        pred = soft_argmax_2d(heatmaps)
        loss = F.l1_loss(pred, gt_joints)
        opt.zero_grad()
        loss.backward()
        opt.step()
        if step % 10 == 0:
            print(f"step {step:02d}  l1 {loss.item():.3f}px")

    net.eval()
    with torch.no_grad():
        crops, gt_joints = fake_hand_batch(32)
        pred = soft_argmax_2d(net(crops))
    print(f"PCK@4px: {pck(pred, gt_joints):.3f}")


if __name__ == "__main__":
    main()
