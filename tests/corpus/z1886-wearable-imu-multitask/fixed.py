import math
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(3)

CHANNELS = 6          # 3-axis accelerometer + 3-axis gyroscope
WINDOW = 128          # 2.56 s at 50 Hz
BATCH = 32
ACTIVITIES = ["walk", "run", "sit", "stand", "stairs_up", "stairs_down"]


def synth_windows(n, freq_range):
    t = torch.linspace(0, 2.56, WINDOW)
    freqs = torch.empty(n, 1, 1).uniform_(*freq_range)
    phase = torch.rand(n, CHANNELS, 1) * 2 * math.pi
    sig = torch.sin(2 * math.pi * freqs * t + phase)
    return sig + 0.2 * torch.randn(n, CHANNELS, WINDOW), freqs.view(n)


def build_task_data():
    act_x, act_f = synth_windows(512, (0.5, 3.0))
    act_y = torch.bucketize(act_f, torch.linspace(0.5, 3.0, len(ACTIVITIES) + 1)[1:-1])

    hr_x, hr_f = synth_windows(224, (1.0, 2.5))
    hr_y = 60.0 * hr_f + 2.0 * torch.randn(224)            # beats per minute

    fall_x, _ = synth_windows(96, (0.5, 2.0))
    fall_y = (torch.rand(96) < 0.3).float()
    fall_x[fall_y.bool(), :, 60:68] += 4.0                  # impact spike

    return {
        "activity": {"signals": act_x, "target": act_y},
        "heart_rate": {"signals": hr_x, "target": (hr_y - 90.0) / 20.0},
        "fall": {"signals": fall_x, "target": fall_y},
    }


def to_batches(task_data, batch_size):
    """Shuffle and reshape every tensor to (num_batches, batch_size, ...), dropping the tail."""
    batched = {}
    for task, fields in task_data.items():
        n = fields["signals"].shape[0]
        n_batches = n // batch_size
        order = torch.randperm(n)[: n_batches * batch_size]
        batched[task] = {k: v[order].reshape(n_batches, batch_size, *v.shape[1:])
                         for k, v in fields.items()}
    return batched


class IMUEncoder(nn.Module):
    def __init__(self, width=32):
        super().__init__()
        self.net = nn.Sequential(
            nn.Conv1d(CHANNELS, width, 7, padding=3), nn.BatchNorm1d(width), nn.ReLU(),
            nn.Conv1d(width, width, 5, stride=2, padding=2), nn.BatchNorm1d(width), nn.ReLU(),
            nn.Conv1d(width, width, 5, stride=2, padding=2), nn.ReLU(),
            nn.AdaptiveAvgPool1d(1), nn.Flatten(),
        )

    def forward(self, x):
        return self.net(x)


class WearableMTL(nn.Module):
    def __init__(self, width=32):
        super().__init__()
        self.encoder = IMUEncoder(width)
        self.heads = nn.ModuleDict({
            "activity": nn.Linear(width, len(ACTIVITIES)),
            "heart_rate": nn.Linear(width, 1),
            "fall": nn.Linear(width, 1),
        })

    def forward(self, task, signals):
        return self.heads[task](self.encoder(signals))


def task_loss(task, out, target):
    if task == "activity":
        return F.cross_entropy(out, target)
    if task == "heart_rate":
        return F.smooth_l1_loss(out.squeeze(-1), target)
    return F.binary_cross_entropy_with_logits(out.squeeze(-1), target, pos_weight=torch.tensor(2.0))


LOSS_WEIGHTS = {"activity": 1.0, "heart_rate": 0.5, "fall": 2.0}


def train(model, data, epochs=3):
    opt = torch.optim.Adam(model.parameters(), lr=2e-3)
    for epoch in range(epochs):
        shards = to_batches(data, BATCH)
        steps_per_epoch = max(s["signals"].shape[0] for s in shards.values())
        running = {t: 0.0 for t in shards}
        model.train()
        for step in range(steps_per_epoch):
            total = 0.0
            for task, shard in shards.items():
                i = step % shard["signals"].shape[0]
                signals = shard["signals"][i]
                target = shard["target"][i]
                loss = task_loss(task, model(task, signals), target)
                running[task] += loss.item()
                total = total + LOSS_WEIGHTS[task] * loss
            opt.zero_grad()
            total.backward()
            opt.step()
        print(f"epoch {epoch}", {t: round(v / steps_per_epoch, 3) for t, v in running.items()})


@torch.no_grad()
def evaluate(model, data):
    model.eval()
    act = data["activity"]
    acc = (model("activity", act["signals"]).argmax(-1) == act["target"]).float().mean()
    hr = data["heart_rate"]
    mae = (model("heart_rate", hr["signals"]).squeeze(-1) - hr["target"]).abs().mean() * 20.0
    print(f"activity acc {acc:.2f}, heart-rate MAE {mae:.1f} bpm")


if __name__ == "__main__":
    data = build_task_data()
    model = WearableMTL()
    train(model, data)
    evaluate(model, data)
