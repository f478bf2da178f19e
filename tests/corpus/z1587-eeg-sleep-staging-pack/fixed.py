"""Sequence-to-sequence sleep staging from single-channel EEG.

Every night is cut into 30 s epochs (100 Hz -> 3000 samples). A strided
Conv1d encoder maps each epoch to a vector, and a bidirectional LSTM over the
night's epoch sequence predicts one AASM stage per epoch. Nights have
different numbers of epochs, so the epoch sequences are padded and packed.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence
from torch.utils.data import DataLoader, Dataset

torch.manual_seed(0)

STAGES = ["W", "N1", "N2", "N3", "REM"]
FS = 100
EPOCH_SAMPLES = 30 * FS
PAD_STAGE = -1


class NightRecordings(Dataset):
    """Synthetic PSG nights: EEG epochs plus one hypnogram label per epoch."""

    def __init__(self, epochs_per_night):
        self.nights = []
        for n_epochs in epochs_per_night:
            hypnogram = torch.randint(0, len(STAGES), (n_epochs,))
            t = torch.arange(EPOCH_SAMPLES) / FS
            freqs = torch.tensor([10.0, 6.0, 13.0, 1.5, 7.0])[hypnogram]  # alpha/theta/spindle/delta
            eeg = torch.sin(2 * torch.pi * freqs[:, None] * t[None, :])
            eeg = eeg + 0.3 * torch.randn(n_epochs, EPOCH_SAMPLES)
            self.nights.append((eeg, hypnogram))

    def __len__(self):
        return len(self.nights)

    def __getitem__(self, idx):
        return self.nights[idx]


def collate_nights(nights):
    n_epochs = torch.tensor([eeg.shape[0] for eeg, _ in nights])
    longest = int(n_epochs.max())
    eeg_batch = torch.zeros(len(nights), longest, EPOCH_SAMPLES)
    stage_batch = torch.full((len(nights), longest), PAD_STAGE, dtype=torch.long)
    for i, (eeg, hyp) in enumerate(nights):
        eeg_batch[i, : eeg.shape[0]] = eeg
        stage_batch[i, : hyp.shape[0]] = hyp
    return eeg_batch, n_epochs, stage_batch


class EpochEncoder(nn.Module):
    def __init__(self, dim=32):
        super().__init__()
        self.net = nn.Sequential(
            nn.Conv1d(1, 16, kernel_size=50, stride=6, padding=24), nn.ReLU(),
            nn.MaxPool1d(8),
            nn.Conv1d(16, dim, kernel_size=8, stride=1, padding=4), nn.ReLU(),
            nn.AdaptiveAvgPool1d(1),
        )

    def forward(self, epochs):  # (N, 3000)
        return self.net(epochs.unsqueeze(1)).squeeze(-1)


class SleepStager(nn.Module):
    def __init__(self, dim=32, hidden=48):
        super().__init__()
        self.epoch_enc = EpochEncoder(dim)
        self.lstm = nn.LSTM(dim, hidden, batch_first=True, bidirectional=True)
        self.stage_head = nn.Linear(2 * hidden, len(STAGES))

    def forward(self, eeg_batch, n_epochs):
        B, E, S = eeg_batch.shape
        feats = self.epoch_enc(eeg_batch.reshape(B * E, S)).reshape(B, E, -1)
        packed = pack_padded_sequence(feats, n_epochs, batch_first=True, enforce_sorted=False)
        out, _ = self.lstm(packed)
        out, _ = pad_packed_sequence(out, batch_first=True, total_length=E)
        return self.stage_head(out)


def main():
    train_nights = NightRecordings([22, 31, 18, 35, 27, 29, 20, 33])
    loader = DataLoader(train_nights, batch_size=4, shuffle=False, collate_fn=collate_nights)

    model = SleepStager()
    opt = torch.optim.Adam(model.parameters(), lr=2e-3)

    for epoch in range(2):
        for eeg_batch, n_epochs, stage_batch in loader:
            logits = model(eeg_batch, n_epochs)
            loss = F.cross_entropy(logits.reshape(-1, len(STAGES)), stage_batch.reshape(-1),
                                   ignore_index=PAD_STAGE)
            opt.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
        print(f"epoch {epoch}  loss {loss.item():.4f}")

    model.eval()
    eeg_batch, n_epochs, stage_batch = collate_nights([train_nights[i] for i in range(4)])
    with torch.no_grad():
        pred = model(eeg_batch, n_epochs).argmax(-1)
    valid = stage_batch != PAD_STAGE
    acc = (pred[valid] == stage_batch[valid]).float().mean().item()
    print(f"per-epoch staging accuracy on first 4 nights: {acc:.3f}")


if __name__ == "__main__":
    main()
