"""Downswept-call detector, sanity pass on simulated hydrophone snippets.

6 s snippets at 2 kHz -> log spectrogram (numpy) -> conv+GRU frame classifier
-> call onsets in seconds. Real deployment data later; this checks the plumbing.
"""
import numpy as np
import torch
import torch.nn as nn

SEED = 7
np.random.seed(SEED)
torch.manual_seed(SEED)
FS_HZ, DUR_SEC = 2000.0, 6.0
WIN_SEC, HOP_SEC = 0.128, 0.064
F_MAX_HZ = 400.0
CONV_STRIDE = 2

# onsets (s) of simulated calls, one list per snippet
CALL_ONSETS_SEC = [[0.7, 3.1], [1.9], [0.4, 2.6, 4.8], [], [3.3], [1.2, 4.0]]

def synth_recording(*, fs_hz, dur_sec, call_onsets_sec, call_dur_sec=0.8,
                    f0_hz=120.0, f1_hz=60.0, snr_db=6.0, rng=None):
    """Synthesise a hydrophone snippet with linear downswept tonal calls.

    Parameters
    ----------
    fs_hz, dur_sec : float
        Sample rate (Hz) and snippet duration (s).
    call_onsets_sec : list of float
    call_dur_sec, f0_hz, f1_hz : float, optional
        Call duration and start/end frequency of the sweep.
    snr_db : float, optional
        Call amplitude relative to unit-variance noise.
    rng : np.random.Generator, optional

    Returns
    -------
    x : np.ndarray, shape (n_samples,), float32
    """
    rng = rng or np.random.default_rng(0)
    n_samples = int(round(fs_hz * dur_sec))
    t_sec = np.arange(n_samples) / fs_hz
    noise = rng.standard_normal(n_samples)
    noise = noise + 0.02 * np.cumsum(noise)  # crude red tilt, ocean noise is not white
    x = noise / noise.std()
    amp = 10.0 ** (snr_db / 20.0)
    for onset_sec in call_onsets_sec:
        sel = (t_sec >= onset_sec) & (t_sec < onset_sec + call_dur_sec)
        tau_sec = t_sec[sel] - onset_sec
        f_inst_hz = f0_hz + (f1_hz - f0_hz) * tau_sec / call_dur_sec
        phase = 2 * np.pi * np.cumsum(f_inst_hz) / fs_hz
        x[sel] += amp * np.sin(phase) * np.hanning(sel.sum())
    return x.astype(np.float32)

def log_spectrogram(x, *, fs_hz, win_sec, hop_sec, f_max_hz, eps=1e-8):
    """Hann-windowed power spectrogram in dB, truncated at f_max_hz.

    Parameters
    ----------
    x : np.ndarray, shape (n_samples,)
    fs_hz, win_sec, hop_sec, f_max_hz : float
    eps : float, optional

    Returns
    -------
    spec_db : np.ndarray, shape (n_frames, n_bins)
    t_frame_sec : np.ndarray, shape (n_frames,), frame centres
    """
    n_win = int(round(win_sec * fs_hz))
    n_hop = int(round(hop_sec * fs_hz))
    n_frames = 1 + (len(x) - n_win) // n_hop
    idx = np.arange(n_win)[None, :] + n_hop * np.arange(n_frames)[:, None]
    frames = x[idx] * np.hanning(n_win)[None, :]
    power = np.abs(np.fft.rfft(frames, axis=1)) ** 2
    f_hz = np.fft.rfftfreq(n_win, d=1.0 / fs_hz)
    spec_db = 10.0 * np.log10(power[:, f_hz <= f_max_hz] + eps)
    t_frame_sec = (np.arange(n_frames) * n_hop + n_win / 2) / fs_hz
    return spec_db.astype(np.float32), t_frame_sec

class CallDetector(nn.Module):
    def __init__(self, *, n_bins, dim_hidden=32, conv_stride=2):
        super().__init__()
        self.front = nn.Sequential(nn.Conv1d(n_bins, dim_hidden, kernel_size=3, stride=conv_stride,
                                             padding=1), nn.GELU())
        self.rnn = nn.GRU(dim_hidden, dim_hidden, batch_first=True, bidirectional=True)
        self.head = nn.Linear(2 * dim_hidden, 1)

    def forward(self, spec):  # spec: (n_rec, n_frames, n_bins)
        h = self.front(spec.transpose(1, 2)).transpose(1, 2)
        h, _ = self.rnn(h)
        return self.head(h).squeeze(-1)

def pick_onsets(p_call, *, n_frames, hop_out_sec, t0_sec=0.0, threshold=0.5):
    """Rising-edge onset picker on per-frame call probabilities.

    Parameters
    ----------
    p_call : torch.Tensor, shape (n_rec, n_frames_out)
    n_frames : int
        Number of frames to scan.
    hop_out_sec, t0_sec : float
        Output frame step and time of the first output frame.
    threshold : float, optional

    Returns
    -------
    onsets_sec : list of list of float
    """
    onsets_sec = []
    for i_rec in range(p_call.shape[0]):
        picked, above = [], False
        for i_frame in range(n_frames):
            p = float(p_call[i_rec, i_frame])
            if p >= threshold and not above:
                picked.append(round(t0_sec + i_frame * hop_out_sec, 2))
            above = p >= threshold
        onsets_sec.append(picked)
    return onsets_sec

rng = np.random.default_rng(SEED)
wave = np.stack([synth_recording(fs_hz=FS_HZ, dur_sec=DUR_SEC, call_onsets_sec=o, rng=rng)
                 for o in CALL_ONSETS_SEC])
specs, t_frame_sec = zip(*[log_spectrogram(w, fs_hz=FS_HZ, win_sec=WIN_SEC, hop_sec=HOP_SEC,
                                           f_max_hz=F_MAX_HZ) for w in wave])
spec_db = np.stack(specs)
t_frame_sec = t_frame_sec[0]
n_rec, n_frames, n_bins = spec_db.shape
assert spec_db.shape == (len(CALL_ONSETS_SEC), len(t_frame_sec), n_bins)
print(f"spectrogram: {n_rec} snippets x {n_frames} frames x {n_bins} bins (<= {F_MAX_HZ:.0f} Hz)")

# per-bin z-score over all snippets and frames
spec_z = (spec_db - spec_db.mean(axis=(0, 1))) / (spec_db.std(axis=(0, 1)) + 1e-6)

# frame targets: 1 while a call is in progress
y_frame = np.zeros((n_rec, n_frames), dtype=np.float32)
for i_rec, onsets in enumerate(CALL_ONSETS_SEC):
    for onset_sec in onsets:
        y_frame[i_rec, (t_frame_sec >= onset_sec) & (t_frame_sec < onset_sec + 0.8)] = 1.0
y_out = torch.from_numpy(y_frame[:, ::CONV_STRIDE].copy())

model = CallDetector(n_bins=n_bins, dim_hidden=32, conv_stride=CONV_STRIDE)
opt = torch.optim.Adam(model.parameters(), lr=3e-3)
bce = nn.BCEWithLogitsLoss()
x_t = torch.from_numpy(spec_z)
for step in range(4):
    logit_call = model(x_t)
    assert logit_call.shape == y_out.shape, (logit_call.shape, y_out.shape)
    loss = bce(logit_call, y_out)
    opt.zero_grad(); loss.backward(); opt.step()
    if step % 10 == 0:
        print(f"step {step:3d}  bce {loss.item():.4f}")

model.eval()
with torch.no_grad():
    p_call = torch.sigmoid(model(x_t))

onsets_sec = pick_onsets(p_call, n_frames=p_call.shape[1], hop_out_sec=HOP_SEC * CONV_STRIDE,
                         t0_sec=float(t_frame_sec[0]))
for i_rec, (true_sec, found_sec) in enumerate(zip(CALL_ONSETS_SEC, onsets_sec)):
    print(f"snippet {i_rec}: true {true_sec}  picked {found_sec}")
