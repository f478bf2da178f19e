# Mini project: bird call classifier on (fake) mel spectrograms.
# CRNN idea from the audio tagging tutorial: conv over (mel, time), then a GRU over time frames.
import math
import torch
import torch.nn as nn

torch.manual_seed(7)

SPECIES = ["robin", "wren", "owl"]
N_MELS = 16
N_FRAMES = 40
CLIPS_PER_SPECIES = 8


def fake_call(species_idx):
    """Synthetic spectrogram: each species sings in its own mel band with its own rhythm."""
    spec = torch.rand(N_MELS, N_FRAMES) * 0.2
    band_center = 3 + species_idx * 5
    period = [4, 7, 12][species_idx]
    for t in range(N_FRAMES):
        if (t // (period // 2)) % 2 == 0:
            for m in range(N_MELS):
                spec[m, t] += math.exp(-((m - band_center) ** 2) / 4.0)
    return spec


clips = []
labels = []
for s in range(len(SPECIES)):
    for _ in range(CLIPS_PER_SPECIES):
        clips.append(fake_call(s))
        labels.append(s)

spectrograms = torch.stack(clips).unsqueeze(1)  # (N, 1, mels, frames)
labels = torch.tensor(labels)
print("dataset:", tuple(spectrograms.shape), "labels:", labels.bincount().tolist())

perm = torch.randperm(len(labels))
spectrograms, labels = spectrograms[perm], labels[perm]
n_train = int(0.8 * len(labels))
train_x, train_y = spectrograms[:n_train], labels[:n_train]
val_x, val_y = spectrograms[n_train:], labels[n_train:]


class BirdCRNN(nn.Module):
    def __init__(self, n_classes, conv_ch=8, rnn_hidden=32):
        super().__init__()
        self.conv = nn.Sequential(
            nn.Conv2d(1, conv_ch, kernel_size=3, padding=1),
            nn.BatchNorm2d(conv_ch),
            nn.ReLU(),
            nn.MaxPool2d(kernel_size=(2, 1)),  # pool over mel only, keep every frame
        )
        feat_per_frame = conv_ch * (N_MELS // 2)
        self.gru = nn.GRU(feat_per_frame, rnn_hidden, batch_first=True)
        self.head = nn.Linear(rnn_hidden, n_classes)

    def forward(self, spec):
        x = self.conv(spec)                 # (B, C, mels/2, frames)
        b, c, m, t = x.shape
        x = x.transpose(1, 3)               # (B, frames, mels/2, C)
        x = x.view(b, t, m * c)             # one feature vector per frame
        out, h = self.gru(x)
        return self.head(h[-1])


model = BirdCRNN(len(SPECIES))
print(model)
optimizer = torch.optim.Adam(model.parameters(), lr=3e-3)
criterion = nn.CrossEntropyLoss()

BATCH = 12
EPOCHS = 1
for epoch in range(EPOCHS):
    model.train()
    order = torch.randperm(n_train)
    losses = []
    for start in range(0, n_train, BATCH):
        idx = order[start:start + BATCH]
        logits = model(train_x[idx])
        loss = criterion(logits, train_y[idx])
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())

    model.eval()
    with torch.no_grad():
        val_pred = model(val_x).argmax(1)
    acc = (val_pred == val_y).float().mean().item()
    print(f"epoch {epoch}: train loss {sum(losses) / len(losses):.3f}  val acc {acc:.2f}")

# confusion matrix on the validation clips
confusion = torch.zeros(len(SPECIES), len(SPECIES), dtype=torch.long)
for true, pred in zip(val_y.tolist(), val_pred.tolist()):
    confusion[true, pred] += 1
print("\nconfusion (rows = true):")
print("       " + " ".join(f"{s:>6s}" for s in SPECIES))
for i, s in enumerate(SPECIES):
    print(f"{s:>6s} " + " ".join(f"{v:6d}" for v in confusion[i].tolist()))
