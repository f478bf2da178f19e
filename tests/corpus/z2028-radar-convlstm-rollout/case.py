"""Radar reflectivity nowcasting with a small ConvLSTM.

Each archived convective event is a stack of composite radar frames (dBZ) at 5-minute
cadence on a regional grid.  The first CONTEXT_FRAMES frames are fed to the encoder, then
the model rolls forward autoregressively and every predicted frame is scored against the
observed one.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)

FRAME_MINUTES = 5
EVENT_MINUTES = 70
CONTEXT_FRAMES = 8
NOWCAST_MINUTES = 60
GRID_H, GRID_W = 40, 40
HIDDEN = 16


def make_event_archive(n_events):
    """Synthetic stand-in for the radar archive: moving Gaussian cells on a 40x40 grid."""
    n_frames = EVENT_MINUTES // FRAME_MINUTES
    yy, xx = torch.meshgrid(torch.arange(GRID_H).float(), torch.arange(GRID_W).float(), indexing="ij")
    events = torch.zeros(n_events, n_frames, 1, GRID_H, GRID_W)
    for e in range(n_events):
        cy, cx = torch.randint(8, 32, (2,)).float()
        vy, vx = torch.randn(2) * 0.8
        peak = 35.0 + 20.0 * torch.rand(1)
        for t in range(n_frames):
            dist2 = (yy - cy - vy * t) ** 2 + (xx - cx - vx * t) ** 2
            events[e, t, 0] = peak * torch.exp(-dist2 / 30.0)
    # scale dBZ to roughly [0, 1]
    return events / 60.0


class ConvLSTMCell(nn.Module):
    def __init__(self, in_ch, hid_ch, k=3):
        super().__init__()
        self.hid_ch = hid_ch
        self.gates = nn.Conv2d(in_ch + hid_ch, 4 * hid_ch, k, padding=k // 2)

    def forward(self, x, state):
        h, c = state
        i, f, o, g = torch.chunk(self.gates(torch.cat([x, h], dim=1)), 4, dim=1)
        c = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
        h = torch.sigmoid(o) * torch.tanh(c)
        return h, c

    def init_state(self, batch):
        z = torch.zeros(batch, self.hid_ch, GRID_H, GRID_W)
        return z, z.clone()


class Nowcaster(nn.Module):
    def __init__(self):
        super().__init__()
        self.cell = ConvLSTMCell(1, HIDDEN)
        self.head = nn.Conv2d(HIDDEN, 1, 1)

    def encode(self, past):
        state = self.cell.init_state(past.shape[0])
        for t in range(past.shape[1]):
            state = self.cell(past[:, t], state)
        return state

    def step(self, frame, state):
        state = self.cell(frame, state)
        return torch.sigmoid(self.head(state[0])), state


def rollout_loss(model, past, future, n_steps):
    state = model.encode(past)
    frame = past[:, -1]
    per_lead = []
    for k in range(n_steps):
        frame, state = model.step(frame, state)
        obs = future[:, k]
        # heavier weight on echoes above ~20 dBZ
        weight = 1.0 + 4.0 * (obs > 20.0 / 60.0).float()
        per_lead.append((weight * (frame - obs) ** 2).mean())
    return torch.stack(per_lead)


def critical_success_index(pred, obs, thresh_dbz=30.0):
    p = pred > thresh_dbz / 60.0
    o = obs > thresh_dbz / 60.0
    hits = (p & o).sum().float()
    misses = (~p & o).sum().float()
    false_alarms = (p & ~o).sum().float()
    return (hits / (hits + misses + false_alarms + 1e-6)).item()


def main():
    events = make_event_archive(24)
    train, val = events[:20], events[20:]
    nowcast_steps = NOWCAST_MINUTES // FRAME_MINUTES

    model = Nowcaster()
    opt = torch.optim.Adam(model.parameters(), lr=3e-3)

    for epoch in range(2):
        perm = torch.randperm(train.shape[0])
        for b in range(0, train.shape[0], 4):
            batch = train[perm[b:b + 4]]
            past, future = batch[:, :CONTEXT_FRAMES], batch[:, CONTEXT_FRAMES:]
            lead_losses = rollout_loss(model, past, future, nowcast_steps)
            loss = lead_losses.mean()
            opt.zero_grad()
            loss.backward()
            opt.step()
        print(f"epoch {epoch}: loss {loss.item():.4f}  "
              f"(first lead {lead_losses[0].item():.4f}, last lead {lead_losses[-1].item():.4f})")

    model.eval()
    with torch.no_grad():
        past, future = val[:, :CONTEXT_FRAMES], val[:, CONTEXT_FRAMES:]
        state = model.encode(past)
        frame = past[:, -1]
        for k in range(future.shape[1]):
            frame, state = model.step(frame, state)
            csi = critical_success_index(frame, future[:, k])
            print(f"lead +{(k + 1) * FRAME_MINUTES:3d} min  CSI@30dBZ = {csi:.3f}")


if __name__ == "__main__":
    main()
