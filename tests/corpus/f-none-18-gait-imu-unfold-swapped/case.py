import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(2)

SAMPLE_RATE_HZ = 100
RECORD_SECONDS = 4
WINDOW = 50
STRIDE = 25
ACTIVITIES = ["walking", "running", "stairs_up", "stairs_down"]


def simulate_imu(n_recordings):
    steps = SAMPLE_RATE_HZ * RECORD_SECONDS
    t = torch.arange(steps) / SAMPLE_RATE_HZ
    activity = torch.randint(0, len(ACTIVITIES), (n_recordings,))
    cadence = 1.6 + 0.7 * activity.float()
    accel = torch.sin(2 * torch.pi * cadence[:, None] * t[None, :])
    accel = accel + 0.25 * torch.randn(n_recordings, steps)
    return accel, activity


def frame_signal(signal, window, stride):
    return signal.unfold(1, stride, window)


class GaitWindowEncoder(nn.Module):
    def __init__(self, window, hidden, n_activities):
        super().__init__()
        self.window_proj = nn.Linear(window, hidden)
        self.mixer = nn.GRU(hidden, hidden, batch_first=True)
        self.head = nn.Linear(hidden, n_activities)

    def forward(self, frames):
        h = F.relu(self.window_proj(frames))
        _, last = self.mixer(h)
        return self.head(last[-1])


def main():
    accel, activity = simulate_imu(64)
    model = GaitWindowEncoder(WINDOW, hidden=32, n_activities=len(ACTIVITIES))
    opt = torch.optim.Adam(model.parameters(), lr=5e-3)
    for step in range(20):
        frames = frame_signal(accel, WINDOW, STRIDE)
        loss = F.cross_entropy(model(frames), activity)
        opt.zero_grad()
        loss.backward()
        opt.step()
        if step % 5 == 0:
            print(f"step {step} frames {tuple(frames.shape)} loss {loss.item():.4f}")


if __name__ == "__main__":
    main()
