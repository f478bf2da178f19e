"""Lead-time conditioned patch transformer for global 2.5-degree reanalysis fields.

Input: the analysis state at t0 (z500, t850, u10, v10, t2m, msl stacked as channels) on
the regular 2.5 x 2.5 degree lat-lon grid.  The model is told the forecast lead time
through a learned embedding and predicts the state at t0 + lead.  Loss is the
cos(latitude)-weighted MSE used in WeatherBench-style scoring.
"""
import torch
import torch.nn as nn

torch.manual_seed(3)

VARIABLES = ["z500", "t850", "u10", "v10", "t2m", "msl"]
RES_DEG = 2.5
LATS = torch.arange(90.0, -90.0 - RES_DEG / 2, -RES_DEG)
LONS = torch.arange(0.0, 360.0, RES_DEG)
LEAD_HOURS = [6, 12, 24, 48, 72]
PATCH = 8
DIM = 64


def synth_reanalysis(n_times):
    """Smooth large-scale waves plus noise standing in for normalised reanalysis fields."""
    lat = torch.deg2rad(LATS)[:, None]
    lon = torch.deg2rad(LONS)[None, :]
    states = []
    for t in range(n_times):
        phase = 0.15 * t
        chans = []
        for k, _ in enumerate(VARIABLES):
            wave = torch.cos(lat) * torch.sin((k + 2) * lon - phase * (k + 1))
            chans.append(wave + 0.3 * torch.sin(2 * lat + 0.1 * k) + 0.05 * torch.randn_like(wave))
        states.append(torch.stack(chans))
    return torch.stack(states)            # (time, var, lat, lon), one step = 6 h


def sample_pairs(states, n, steps_per_lead):
    lead_idx = torch.randint(0, len(LEAD_HOURS), (n,))
    offsets = torch.tensor(steps_per_lead)[lead_idx]
    t0 = torch.randint(0, states.shape[0] - max(steps_per_lead), (n,))
    return states[t0], states[t0 + offsets], lead_idx


class LeadTimeViT(nn.Module):
    def __init__(self, n_vars, n_lat, n_lon):
        super().__init__()
        self.n_vars = n_vars
        self.grid_h, self.grid_w = n_lat // PATCH, n_lon // PATCH
        self.to_token = nn.Linear(n_vars * PATCH * PATCH, DIM)
        self.pos = nn.Parameter(0.02 * torch.randn(1, self.grid_h * self.grid_w, DIM))
        self.lead_embed = nn.Embedding(len(LEAD_HOURS), DIM)
        layer = nn.TransformerEncoderLayer(DIM, nhead=4, dim_feedforward=128, batch_first=True)
        self.blocks = nn.TransformerEncoder(layer, num_layers=2)
        self.to_patch = nn.Linear(DIM, n_vars * PATCH * PATCH)

    def patchify(self, x):
        b, c = x.shape[:2]
        x = x.view(b, c, self.grid_h, PATCH, self.grid_w, PATCH)
        return x.permute(0, 2, 4, 1, 3, 5).reshape(b, self.grid_h * self.grid_w, c * PATCH * PATCH)

    def unpatchify(self, tokens):
        b = tokens.shape[0]
        x = tokens.view(b, self.grid_h, self.grid_w, self.n_vars, PATCH, PATCH)
        return x.permute(0, 3, 1, 4, 2, 5).reshape(
            b, self.n_vars, self.grid_h * PATCH, self.grid_w * PATCH)

    def forward(self, state, lead_idx):
        tok = self.to_token(self.patchify(state)) + self.pos
        tok = tok + self.lead_embed(lead_idx)[:, None, :]
        return state + self.unpatchify(self.to_patch(self.blocks(tok)))


def lat_weighted_mse(pred, target, lats):
    w = torch.cos(torch.deg2rad(lats))
    w = (w / w.mean())[None, None, :, None]
    return (w * (pred - target) ** 2).mean()


def main():
    states = synth_reanalysis(80)
    lats = LATS
    print(f"grid {states.shape[-2]} x {states.shape[-1]}, {len(VARIABLES)} variables, "
          f"{states.shape[0]} analysis times")

    steps_per_lead = [h // 6 for h in LEAD_HOURS]
    model = LeadTimeViT(len(VARIABLES), states.shape[-2], states.shape[-1])
    opt = torch.optim.AdamW(model.parameters(), lr=1e-3)

    for it in range(20):
        x0, x1, lead_idx = sample_pairs(states, 8, steps_per_lead)
        loss = lat_weighted_mse(model(x0, lead_idx), x1, lats)
        opt.zero_grad()
        loss.backward()
        opt.step()
        if it % 5 == 0:
            print(f"iter {it:3d}  lat-weighted mse {loss.item():.4f}")

    model.eval()
    with torch.no_grad():
        for li, hours in enumerate(LEAD_HOURS):
            x0, x1 = states[:4], states[steps_per_lead[li]:steps_per_lead[li] + 4]
            pred = model(x0, torch.full((4,), li))
            rmse = lat_weighted_mse(pred, x1, lats).sqrt().item()
            persistence = lat_weighted_mse(x0, x1, lats).sqrt().item()
            print(f"lead {hours:3d} h  rmse {rmse:.3f}  (persistence {persistence:.3f})")


if __name__ == "__main__":
    main()
