"""Frame-level P/S phase picker for synthetic three-component seismograms.

Each trace (Z, N, E) is cut into frames of frame_s seconds. Every frame is
labelled 0 = noise, 1 = P onset, 2 = S onset, and a small transformer encoder
classifies the frames. Picks are then compared with the true onset times.
"""
import numpy as np
import torch
import torch.nn as nn

SEED = 7
rng = np.random.default_rng(SEED)
torch.manual_seed(SEED)

# acquisition geometry / sampling
dt_s = 0.01            # 100 Hz broadband
t_trace_s = 12.0
frame_s = 0.5
n_comp = 3             # Z, N, E
n_trace = 8

n_samp_trace = int(round(t_trace_s / dt_s))
n_samp_frame = int(round(frame_s / dt_s))
n_frame = n_samp_trace // n_samp_frame
assert n_frame * n_samp_frame == n_samp_trace, "trace must hold a whole number of frames"

# P polarised on Z, S on the horizontals
GAIN_P = np.array([1.0, 0.3, 0.3])
GAIN_S = np.array([0.3, 1.0, 1.0])


def synth_trace(t_p_s, t_s_s):
    """Noise + two damped wavelets, shape (n_comp, n_samp_trace)."""
    t_axis_s = np.arange(n_samp_trace) * dt_s
    x = 0.05 * rng.standard_normal((n_comp, n_samp_trace))
    for t0_s, f_hz, amp, gain in [(t_p_s, 6.0, 1.0, GAIN_P), (t_s_s, 3.0, 2.0, GAIN_S)]:
        env = np.where(t_axis_s >= t0_s, np.exp(-(t_axis_s - t0_s) / 1.5), 0.0)
        wavelet = amp * env * np.sin(2.0 * np.pi * f_hz * (t_axis_s - t0_s))
        x += np.einsum("c,t->ct", gain, wavelet)
    return x


def frame_trace(x):
    """(n_comp, n_samp_trace) -> (n_frame, n_comp * n_samp_frame), unit-rms per trace."""
    x = x / np.sqrt(np.mean(x ** 2))
    fr = x.reshape(n_comp, n_frame, n_samp_frame).transpose(1, 0, 2)
    return fr.reshape(n_frame, n_comp * n_samp_frame)


def frame_labels(t_p_s, t_s_s):
    lab = np.zeros(n_frame, dtype=np.int64)
    lab[int(t_p_s // frame_s)] = 1
    lab[int(t_s_s // frame_s)] = 2
    return lab


class FramePicker(nn.Module):
    def __init__(self, n_feat_in, d_model=32, n_head=4, n_layer=2, n_class=3):
        super().__init__()
        self.proj = nn.Linear(n_feat_in, d_model)
        self.pos = nn.Parameter(0.02 * torch.randn(1, n_frame, d_model))
        layer = nn.TransformerEncoderLayer(d_model, n_head, dim_feedforward=64,
                                           dropout=0.0, batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, n_layer, enable_nested_tensor=False)
        self.head = nn.Linear(d_model, n_class)

    def forward(self, frames):
        h = self.proj(frames) + self.pos
        h = self.encoder(h)
        return self.head(h)


# --- build the catalogue -------------------------------------------------
t_p_all_s = rng.uniform(1.0, 5.0, n_trace)
vp_over_vs = 1.73
dist_km = rng.uniform(10.0, 40.0, n_trace)
t_s_all_s = t_p_all_s + dist_km / 6.0 * (vp_over_vs - 1.0)
assert np.all(t_s_all_s < t_trace_s), "S arrival must fall inside the trace"

X_np = np.stack([frame_trace(synth_trace(tp, ts)) for tp, ts in zip(t_p_all_s, t_s_all_s)])
Y_np = np.stack([frame_labels(tp, ts) for tp, ts in zip(t_p_all_s, t_s_all_s)])
assert X_np.shape == (n_trace, n_frame, n_comp * n_samp_frame)
assert np.all((Y_np == 1).sum(axis=1) == 1) and np.all((Y_np == 2).sum(axis=1) == 1)
print(f"catalogue: {n_trace} traces, {n_frame} frames of {frame_s} s, dt = {dt_s} s")

X = torch.from_numpy(X_np.astype(np.float32))
Y = torch.from_numpy(Y_np)

# onsets are rare: weight them up against the noise frames
n_per_class = np.bincount(Y_np.ravel(), minlength=3)
w_class = torch.from_numpy((n_per_class.sum() / (3.0 * n_per_class)).astype(np.float32))

model = FramePicker(n_feat_in=n_samp_frame)
opt = torch.optim.Adam(model.parameters(), lr=3e-3)
loss_fn = nn.CrossEntropyLoss(weight=w_class)

for epoch in range(15):
    model.train()
    opt.zero_grad()
    logits = model(X)
    loss = loss_fn(logits.reshape(-1, 3), Y.reshape(-1))
    loss.backward()
    opt.step()
    if epoch % 5 == 0:
        print(f"epoch {epoch:2d}  loss {loss.item():.4f}")

model.eval()
with torch.no_grad():
    prob = model(X).softmax(-1).numpy()

# pick = centre of the most probable frame per phase
t_centre_s = (np.arange(n_frame) + 0.5) * frame_s
t_pick_p_s = t_centre_s[prob[:, :, 1].argmax(axis=1)]
t_pick_s_s = t_centre_s[prob[:, :, 2].argmax(axis=1)]
res_p_s = t_pick_p_s - t_p_all_s
res_s_s = t_pick_s_s - t_s_all_s
print(f"P residual rms: {np.sqrt(np.mean(res_p_s ** 2)):.3f} s")
print(f"S residual rms: {np.sqrt(np.mean(res_s_s ** 2)):.3f} s")
