"""Precipitation nowcasting from radar reflectivity composites with a ConvLSTM.
Six 5-minute frames in, next six frames out (rain rate in mm/h on a 32x32 grid)."""
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(3)

N_IN, N_OUT = 6, 6
GRID = 32
HIDDEN = 16


def advected_rain_cells(n_seq, n_frames, grid=GRID):
    """Gaussian rain cells drifting eastward, one cell per sequence."""
    yy, xx = torch.meshgrid(torch.arange(grid).float(), torch.arange(grid).float(), indexing="ij")
    seqs = torch.zeros(n_seq, n_frames, 1, grid, grid)
    for s in range(n_seq):
        cy, cx = torch.randint(8, grid - 8, (2,)).float()
        u = torch.rand(1).item() * 2 + 0.5
        amp = torch.rand(1).item() * 20 + 5
        for t in range(n_frames):
            r2 = (yy - cy) ** 2 + (xx - (cx + u * t) % grid) ** 2
            seqs[s, t, 0] = amp * torch.exp(-r2 / 30.0)
    return seqs


def rain_to_dbz(rain):
    z = 200.0 * rain.clamp(min=0.01) ** 1.6
    return 10 * torch.log10(z)


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

    def init_state(self, b, h, w):
        z = torch.zeros(b, self.hid_ch, h, w)
        return z, z.clone()


class Nowcaster(nn.Module):
    def __init__(self, hidden=HIDDEN):
        super().__init__()
        self.encoder = ConvLSTMCell(1, hidden)
        self.forecaster = ConvLSTMCell(hidden, hidden)
        self.readout = nn.Conv2d(hidden, 1, kernel_size=1)

    def forward(self, frames, n_future):
        b, t, _, h, w = frames.shape
        state = self.encoder.init_state(b, h, w)
        for k in range(t):
            state = self.encoder(frames[:, k], state)

        fstate = self.forecaster.init_state(b, h, w)
        x = state[0]
        future = []
        for _ in range(n_future):
            fstate = self.forecaster(x, fstate)
            x = fstate[0]
            future.append(x)
        hid = torch.stack(future, dim=2)                      # (B, hidden, T_out, H, W)
        hid = hid.permute(0, 2, 1, 3, 4).view(b * n_future, -1, h, w)
        rain = F.softplus(self.readout(hid))
        return rain.view(b, n_future, 1, h, w)


def critical_success_index(pred, obs, thresh=1.0):
    hit = ((pred >= thresh) & (obs >= thresh)).sum().item()
    miss = ((pred < thresh) & (obs >= thresh)).sum().item()
    false_alarm = ((pred >= thresh) & (obs < thresh)).sum().item()
    return hit / max(hit + miss + false_alarm, 1)


def main():
    seqs = advected_rain_cells(24, N_IN + N_OUT)
    past_dbz = rain_to_dbz(seqs[:, :N_IN]) / 60.0
    future_rain = seqs[:, N_IN:]

    model = Nowcaster()
    opt = torch.optim.Adam(model.parameters(), lr=2e-3)

    for epoch in range(2):
        for s in range(0, 20, 4):
            pred = model(past_dbz[s:s + 4], N_OUT)
            weight = 1.0 + future_rain[s:s + 4].clamp(max=10.0)
            loss = (weight * (pred - future_rain[s:s + 4]) ** 2).mean()
            opt.zero_grad()
            loss.backward()
            opt.step()
        print(f"epoch {epoch}: weighted mse {loss.item():.3f}")

    with torch.no_grad():
        pred = model(past_dbz[20:], N_OUT)
    for lead in range(N_OUT):
        csi = critical_success_index(pred[:, lead], future_rain[20:, lead])
        print(f"+{5 * (lead + 1):2d} min  CSI@1mm/h = {csi:.2f}")


if __name__ == "__main__":
    main()
