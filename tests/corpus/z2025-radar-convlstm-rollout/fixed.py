"""ConvLSTM nowcasting of radar reflectivity.

Each training window holds 12 composite radar frames at 10-minute cadence;
the first 8 frames warm up the ConvLSTM and the remaining frames are the
lead times the model rolls out autoregressively.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)

FRAMES_PER_WINDOW = 12
CONTEXT_FRAMES = 8
GRID = 32
BATCH = 3
DBZ_MIN, DBZ_MAX = -10.0, 60.0


def moving_storm_windows(n_windows):
    """Gaussian rain cells advected across the grid, in dBZ."""
    yy, xx = torch.meshgrid(torch.arange(GRID), torch.arange(GRID), indexing="ij")
    windows = []
    for _ in range(n_windows):
        cy, cx = torch.randint(6, GRID - 6, (2,)).tolist()
        vy, vx = (torch.rand(2) * 2 - 1).tolist()
        frames = []
        for t in range(FRAMES_PER_WINDOW):
            y0, x0 = cy + vy * t, cx + vx * t
            cell = 50 * torch.exp(-((yy - y0) ** 2 + (xx - x0) ** 2) / 18.0)
            frames.append(cell + 2 * torch.randn(GRID, GRID) - 5)
        windows.append(torch.stack(frames).unsqueeze(1))
    return torch.stack(windows)  # (B, T, 1, H, W)


def dbz_to_unit(dbz):
    return (dbz.clamp(DBZ_MIN, DBZ_MAX) - DBZ_MIN) / (DBZ_MAX - DBZ_MIN)


class ConvLSTMCell(nn.Module):
    def __init__(self, in_ch, hid_ch, k=3):
        super().__init__()
        self.hid_ch = hid_ch
        self.gates = nn.Conv2d(in_ch + hid_ch, 4 * hid_ch, k, padding=k // 2)

    def forward(self, x, state):
        h, c = state
        i, f, o, g = self.gates(torch.cat([x, h], dim=1)).chunk(4, dim=1)
        c = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
        h = torch.sigmoid(o) * torch.tanh(c)
        return h, c

    def zero_state(self, x):
        b, _, hgt, wid = x.shape
        z = x.new_zeros(b, self.hid_ch, hgt, wid)
        return z, z.clone()


class Nowcaster(nn.Module):
    def __init__(self, hid=16):
        super().__init__()
        self.enc = ConvLSTMCell(1, hid)
        self.dec = ConvLSTMCell(1, hid)
        self.readout = nn.Conv2d(hid, 1, 1)

    def encode(self, context):
        state = self.enc.zero_state(context[:, 0])
        for t in range(context.size(1)):
            state = self.enc(context[:, t], state)
        return state

    def step(self, frame, state):
        h, c = self.dec(frame, state)
        return torch.sigmoid(self.readout(h)), (h, c)


def rollout_loss(model, context, future, teacher_forcing=0.5):
    state = model.encode(context)
    frame = context[:, -1]
    n_leads = future.size(1)
    losses = []
    for lead in range(n_leads):
        pred, state = model.step(frame, state)
        truth = future[:, lead]
        losses.append(F.mse_loss(pred, truth))
        use_truth = torch.rand(()) < teacher_forcing
        frame = truth if use_truth else pred.detach()
    return torch.stack(losses)


def main():
    radar = dbz_to_unit(moving_storm_windows(BATCH))
    context = radar[:, :CONTEXT_FRAMES]
    future = radar[:, CONTEXT_FRAMES:]
    print("context", tuple(context.shape), "future", tuple(future.shape))

    model = Nowcaster()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    for epoch in range(3):
        per_lead = rollout_loss(model, context, future)
        loss = per_lead.mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
        minutes = [10 * (k + 1) for k in range(per_lead.numel())]
        summary = ", ".join(f"+{m}min {v:.4f}" for m, v in zip(minutes, per_lead.tolist()))
        print(f"epoch {epoch}: {summary}")


if __name__ == "__main__":
    main()
