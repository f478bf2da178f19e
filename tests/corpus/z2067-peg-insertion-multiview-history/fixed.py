"""Peg-in-hole insertion: recurrent BC policy over a short history of multi-view camera features.

Per timestep the robot logs: 3 camera views (two side cams + wrist cam) as 32-d patch-pooled features,
EE position/orientation (7-d, xyz + quat), a 6-d force/torque reading and the gripper state.
The policy looks at the last HIST frames and regresses the next EE delta (6-d) and a hold/release logit.
"""
import torch
import torch.nn as nn

torch.manual_seed(11)

N_VIEWS = 3
FEAT_DIM = 32
POSE_DIM = 7
FT_DIM = 6
HIST = 5


def make_insertion_demos(n_demos=8, length=24):
    demos = []
    for _ in range(n_demos):
        views = [torch.randn(length, FEAT_DIM) for _ in range(N_VIEWS)]
        pose = torch.cumsum(0.005 * torch.randn(length, POSE_DIM), dim=0)
        ft = torch.randn(length, FT_DIM) * torch.linspace(0.1, 2.0, length).unsqueeze(1)
        grip = torch.ones(length, 1)
        grip[-3:] = 0.0
        delta = torch.diff(pose[:, :6], dim=0, append=pose[-1:, :6])
        demos.append({"views": views, "pose": pose, "ft": ft, "grip": grip, "delta": delta})
    return demos


def history_windows(demos, hist):
    view_hist, low_dim_hist, delta_tgt, release_tgt = [], [], [], []
    for d in demos:
        L = d["pose"].shape[0]
        low_dim = torch.cat([d["pose"], d["ft"], d["grip"]], dim=-1)
        for t in range(hist - 1, L):
            sl = slice(t - hist + 1, t + 1)
            view_hist.append(torch.stack([v[sl] for v in d["views"]], dim=0))  # (views, hist, feat)
            low_dim_hist.append(low_dim[sl])
            delta_tgt.append(d["delta"][t])
            release_tgt.append(1.0 - d["grip"][t])
    return (torch.stack(view_hist), torch.stack(low_dim_hist),
            torch.stack(delta_tgt), torch.stack(release_tgt))


class ViewFusion(nn.Module):
    """Shared per-view MLP, then concatenates views per timestep."""

    def __init__(self, feat_dim, out_dim):
        super().__init__()
        self.per_view = nn.Sequential(nn.Linear(feat_dim, out_dim), nn.ReLU())

    def forward(self, views):
        # views: (B, N_VIEWS, HIST, FEAT_DIM)
        b, v, h, _ = views.shape
        z = self.per_view(views)
        z = z.permute(0, 2, 1, 3)
        return z.reshape(b, h, v * z.shape[-1])


class InsertionPolicy(nn.Module):
    def __init__(self, view_out=24, hidden=64):
        super().__init__()
        self.fusion = ViewFusion(FEAT_DIM, view_out)
        low_dim = POSE_DIM + FT_DIM + 1
        self.gru = nn.GRU(N_VIEWS * view_out + low_dim, hidden, batch_first=True)
        self.delta_head = nn.Linear(hidden, 6)
        self.release_head = nn.Linear(hidden, 1)

    def forward(self, views, low_dim):
        fused = self.fusion(views)
        seq = torch.cat([fused, low_dim], dim=-1)
        _, h_last = self.gru(seq)
        h_last = h_last[-1]
        return self.delta_head(h_last), self.release_head(h_last)


def main():
    demos = make_insertion_demos()
    views, low_dim, delta, release = history_windows(demos, HIST)
    print("windows:", views.shape[0], "views tensor", tuple(views.shape))

    policy = InsertionPolicy()
    opt = torch.optim.Adam(policy.parameters(), lr=1e-3)
    bce = nn.BCEWithLogitsLoss()
    n = views.shape[0]
    for epoch in range(3):
        perm = torch.randperm(n)
        tot = 0.0
        for s in range(0, n, 32):
            idx = perm[s : s + 32]
            pred_delta, release_logit = policy(views[idx], low_dim[idx])
            loss = nn.functional.mse_loss(pred_delta * 100, delta[idx] * 100) + bce(release_logit, release[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
            tot += loss.item()
        print(f"epoch {epoch}: loss {tot:.3f}")

    with torch.no_grad():
        d, r = policy(views[-1:], low_dim[-1:])
        print("last-step release prob:", torch.sigmoid(r).item())


if __name__ == "__main__":
    main()
