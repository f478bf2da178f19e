"""Frame-level crack-burst detector for wind-turbine pitch bearings.

Acoustic-emission (AE) sensors on the three blade bearings are sampled in
short records. A technician marked every 32-sample frame that contains a
crack-growth burst; the model scores each frame of a record independently
after a shared convolutional front-end.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(21)

N_BLADES = 3
RECORD_LEN = 1024
FRAME = 32
N_FRAMES = RECORD_LEN // FRAME


def simulate_records(n_records, burst_rate=0.06):
    ae = 0.1 * torch.randn(n_records, N_BLADES, RECORD_LEN)
    frame_flags = torch.rand(n_records, N_FRAMES) < burst_rate
    decay = torch.exp(-torch.arange(FRAME, dtype=torch.float32) / 6.0)
    for r, f in frame_flags.nonzero().tolist():
        blade = int(torch.randint(0, N_BLADES, (1,)))
        start = f * FRAME
        ring = torch.sin(torch.arange(FRAME) * 1.9) * decay
        ae[r, blade, start:start + FRAME] += 2.5 * ring
    return ae, frame_flags.float()


class BurstFrameScorer(nn.Module):
    def __init__(self, n_channels, width=24):
        super().__init__()
        self.width = width
        self.frontend = nn.Sequential(
            nn.Conv1d(n_channels, width, kernel_size=7, padding=3),
            nn.GELU(),
            nn.Conv1d(width, width, kernel_size=FRAME, stride=FRAME),
            nn.GELU(),
        )
        self.frame_head = nn.Sequential(nn.Linear(width, 16), nn.GELU(), nn.Linear(16, 1))

    def forward(self, ae):
        feats = self.frontend(ae)                      # (records, width, frames)
        n_rec, _, n_frm = feats.shape
        per_frame = feats.transpose(1, 2).reshape(-1, self.width)
        scores = self.frame_head(per_frame)
        return scores.view(n_rec, n_frm)


def frame_metrics(logits, flags, threshold=0.0):
    pred = logits > threshold
    truth = flags.bool()
    tp = (pred & truth).sum().item()
    fp = (pred & ~truth).sum().item()
    fn = (~pred & truth).sum().item()
    precision = tp / max(tp + fp, 1)
    recall = tp / max(tp + fn, 1)
    return precision, recall


def main():
    train_ae, train_flags = simulate_records(96)
    val_ae, val_flags = simulate_records(24)

    rms = train_ae.pow(2).mean(dim=(0, 2), keepdim=True).sqrt()
    train_ae, val_ae = train_ae / rms, val_ae / rms

    model = BurstFrameScorer(N_BLADES)
    opt = torch.optim.Adam(model.parameters(), lr=3e-3)
    pos_weight = (1 - train_flags.mean()) / train_flags.mean()

    batch = 16
    for epoch in range(5):
        model.train()
        order = torch.randperm(len(train_ae))
        epoch_loss = 0.0
        for i in range(0, len(order), batch):
            idx = order[i:i + batch]
            logits = model(train_ae[idx])
            loss = F.binary_cross_entropy_with_logits(logits, train_flags[idx], pos_weight=pos_weight)
            opt.zero_grad()
            loss.backward()
            opt.step()
            epoch_loss += loss.item() * len(idx)
        print(f"epoch {epoch}: loss {epoch_loss / len(order):.4f}")

    model.eval()
    with torch.no_grad():
        val_logits = model(val_ae)
    p, r = frame_metrics(val_logits, val_flags)
    print(f"validation frames: precision {p:.2f} recall {r:.2f} "
          f"({int(val_flags.sum())} burst frames of {val_flags.numel()})")


if __name__ == "__main__":
    main()
