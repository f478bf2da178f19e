"""Sleep staging from two-channel EEG (Fpz-Cz, Pz-Oz) 30-second epochs.

Strided Conv1d feature extractor -> bidirectional GRU over the feature
frames -> statistics pooling (mean + std over time) -> epoch embedding ->
5 sleep stages (W, N1, N2, N3, REM).
"""
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, Dataset

torch.manual_seed(7)

CFG = {
    "fs": 100,
    "epoch_sec": 30,
    "eeg_channels": 2,
    "conv_channels": [32, 64, 64],
    "conv_strides": [5, 4, 3],
    "gru_hidden": 48,
    "gru_bidirectional": True,
    "emb_dim": 32,
    "stages": ["W", "N1", "N2", "N3", "REM"],
    "batch_size": 16,
    "lr": 1e-3,
}


class SyntheticSleepEpochs(Dataset):
    """Band-limited noise whose dominant rhythm depends on the stage."""

    RHYTHM_HZ = {0: 10.0, 1: 6.0, 2: 13.0, 3: 1.5, 4: 7.0}

    def __init__(self, n_epochs, cfg):
        n_samples = cfg["fs"] * cfg["epoch_sec"]
        t = torch.arange(n_samples) / cfg["fs"]
        self.signals, self.stages = [], []
        for i in range(n_epochs):
            stage = i % len(cfg["stages"])
            f = self.RHYTHM_HZ[stage]
            base = torch.sin(2 * torch.pi * f * t)
            sig = torch.stack([base, 0.6 * base]) + 0.8 * torch.randn(cfg["eeg_channels"], n_samples)
            self.signals.append(sig)
            self.stages.append(stage)

    def __len__(self):
        return len(self.signals)

    def __getitem__(self, idx):
        sig = self.signals[idx]
        sig = (sig - sig.mean(dim=1, keepdim=True)) / (sig.std(dim=1, keepdim=True) + 1e-6)
        return sig, self.stages[idx]


def stats_pool(frames):
    # frames: (batch, time, feat)
    mu = frames.mean(dim=1)
    sd = frames.var(dim=1, unbiased=False).clamp(min=1e-5).sqrt()
    return torch.cat([mu, sd], dim=-1)


class SleepStager(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        blocks, in_ch = [], cfg["eeg_channels"]
        for out_ch, stride in zip(cfg["conv_channels"], cfg["conv_strides"]):
            blocks += [
                nn.Conv1d(in_ch, out_ch, kernel_size=2 * stride + 1, stride=stride, padding=stride),
                nn.BatchNorm1d(out_ch),
                nn.ReLU(),
            ]
            in_ch = out_ch
        self.feature_extractor = nn.Sequential(*blocks)
        self.gru = nn.GRU(
            in_ch, cfg["gru_hidden"], batch_first=True, bidirectional=cfg["gru_bidirectional"]
        )
        gru_out = cfg["gru_hidden"] * (2 if cfg["gru_bidirectional"] else 1)
        self.embed = nn.Sequential(nn.Linear(2 * gru_out, cfg["emb_dim"]), nn.ReLU(), nn.Dropout(0.2))
        self.classifier = nn.Linear(cfg["emb_dim"], len(cfg["stages"]))

    def forward(self, eeg):
        feats = self.feature_extractor(eeg)           # (batch, conv_ch, frames)
        seq, _ = self.gru(feats.transpose(1, 2))      # (batch, frames, gru_out)
        pooled = stats_pool(seq)
        return self.classifier(self.embed(pooled))


def run_epoch(model, loader, optim=None):
    training = optim is not None
    model.train(training)
    n, hits, loss_total = 0, 0, 0.0
    with torch.set_grad_enabled(training):
        for eeg, stage in loader:
            logits = model(eeg)
            loss = F.cross_entropy(logits, stage)
            if training:
                optim.zero_grad()
                loss.backward()
                optim.step()
            loss_total += loss.item() * stage.numel()
            hits += (logits.argmax(1) == stage).sum().item()
            n += stage.numel()
    return loss_total / n, hits / n


def main():
    train_set = SyntheticSleepEpochs(40, CFG)
    val_set = SyntheticSleepEpochs(15, CFG)
    train_loader = DataLoader(train_set, batch_size=CFG["batch_size"], shuffle=True)
    val_loader = DataLoader(val_set, batch_size=CFG["batch_size"])

    model = SleepStager(CFG)
    optim = torch.optim.Adam(model.parameters(), lr=CFG["lr"])
    for ep in range(1):
        tr_loss, tr_acc = run_epoch(model, train_loader, optim)
        va_loss, va_acc = run_epoch(model, val_loader)
        print(f"epoch {ep}: train {tr_loss:.3f}/{tr_acc:.2f}  val {va_loss:.3f}/{va_acc:.2f}")


if __name__ == "__main__":
    main()
