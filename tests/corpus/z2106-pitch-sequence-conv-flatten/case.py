"""At-bat outcome model: given the sequence of pitches thrown in a plate appearance
(Statcast-style velocity / spin / movement / location + pitch type), predict whether
it ends in a strikeout, a walk or a ball in play."""
import random

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(3)
random.seed(3)

PITCH_TYPES = ["FF", "SI", "SL", "CH", "CU", "FC"]
NUMERIC = ["release_speed", "spin_rate", "pfx_x", "pfx_z", "plate_x", "plate_z"]
MAX_PITCHES = 8
PITCH_DIM = len(NUMERIC) + len(PITCH_TYPES)
OUTCOME_NAMES = ["strikeout", "walk", "in_play"]

ARSENAL = {
    "FF": (95.0, 2350.0, -0.6, 1.4),
    "SI": (93.5, 2150.0, -1.3, 0.7),
    "SL": (85.0, 2500.0, 0.5, 0.1),
    "CH": (86.0, 1750.0, -1.2, 0.5),
    "CU": (79.0, 2650.0, 0.8, -1.1),
    "FC": (89.0, 2400.0, 0.2, 0.8),
}


def sample_pitch():
    ptype = random.choice(PITCH_TYPES)
    velo, spin, hb, vb = ARSENAL[ptype]
    row = [
        (velo + random.gauss(0, 1.2) - 88.0) / 6.0,
        (spin + random.gauss(0, 80) - 2300.0) / 300.0,
        hb + random.gauss(0, 0.2),
        vb + random.gauss(0, 0.2),
        random.gauss(0.0, 0.8),
        random.gauss(2.5, 0.7) - 2.5,
    ]
    onehot = [1.0 if t == ptype else 0.0 for t in PITCH_TYPES]
    return row + onehot


def build_at_bats(n):
    seqs, masks, outcomes = [], [], []
    for _ in range(n):
        n_pitches = random.randint(1, MAX_PITCHES)
        pitches = [sample_pitch() for _ in range(n_pitches)]
        pad = [[0.0] * PITCH_DIM] * (MAX_PITCHES - n_pitches)
        seqs.append(pitches + pad)
        masks.append([1.0] * n_pitches + [0.0] * (MAX_PITCHES - n_pitches))
        if n_pitches >= 4 and random.random() < 0.35:
            outcomes.append(1)
        elif random.random() < 0.3:
            outcomes.append(0)
        else:
            outcomes.append(2)
    return torch.tensor(seqs), torch.tensor(masks), torch.tensor(outcomes)


class PitchSequenceNet(nn.Module):
    def __init__(self, channels=24, n_outcomes=len(OUTCOME_NAMES)):
        super().__init__()
        self.conv1 = nn.Conv1d(PITCH_DIM, channels, kernel_size=3, padding=1)
        self.conv2 = nn.Conv1d(channels, channels, kernel_size=3, padding=1)
        self.classifier = nn.Sequential(
            nn.Linear(MAX_PITCHES * channels, 64),
            nn.ReLU(),
            nn.Dropout(0.2),
            nn.Linear(64, n_outcomes),
        )

    def forward(self, pitches, pitch_mask):
        x = pitches.transpose(1, 2)
        x = F.relu(self.conv1(x))
        x = F.relu(self.conv2(x))
        per_pitch = x.transpose(1, 2) * pitch_mask.unsqueeze(-1)
        flat = per_pitch.view(per_pitch.size(0), -1)
        return self.classifier(flat)


def main():
    seqs, masks, outcomes = build_at_bats(256)
    split = 200
    train = (seqs[:split], masks[:split], outcomes[:split])
    valid = (seqs[split:], masks[split:], outcomes[split:])

    model = PitchSequenceNet()
    opt = torch.optim.Adam(model.parameters(), lr=2e-3, weight_decay=1e-4)
    class_counts = torch.bincount(train[2], minlength=len(OUTCOME_NAMES)).float()
    class_weights = class_counts.sum() / (len(OUTCOME_NAMES) * class_counts.clamp(min=1.0))

    for epoch in range(5):
        model.train()
        order = torch.randperm(split)
        epoch_loss = 0.0
        for start in range(0, split, 32):
            idx = order[start:start + 32]
            logits = model(train[0][idx], train[1][idx])
            loss = F.cross_entropy(logits, train[2][idx], weight=class_weights)
            opt.zero_grad()
            loss.backward()
            opt.step()
            epoch_loss += loss.item() * idx.numel()
        model.eval()
        with torch.no_grad():
            val_pred = model(valid[0], valid[1]).argmax(-1)
        val_acc = (val_pred == valid[2]).float().mean().item()
        print(f"epoch {epoch} train loss {epoch_loss / split:.4f} val acc {val_acc:.3f}")


if __name__ == "__main__":
    main()
