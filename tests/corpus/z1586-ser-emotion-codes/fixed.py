"""Utterance-level speech emotion recognition on RAVDESS-style clips.

Log-mel features were extracted offline and stored one file per clip, named
with the corpus convention
    modality-channel-emotion-intensity-statement-repetition-actor.pt
The model cuts the spectrogram into time patches, runs a small transformer
encoder over them and mean-pools the valid patches into one utterance vector.
"""
import os
import tempfile

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, Dataset

torch.manual_seed(0)

EMOTION_NAMES = {
    1: "neutral", 2: "calm", 3: "happy", 4: "sad",
    5: "angry", 6: "fearful", 7: "disgust", 8: "surprised",
}
N_MELS = 64
PATCH_FRAMES = 8


def dump_features(root, n_actors=3):
    """Stand-in for the offline feature extraction step."""
    for actor in range(1, n_actors + 1):
        for code in EMOTION_NAMES:
            for rep in (1, 2):
                n_frames = int(torch.randint(180, 330, (1,)))
                mel = torch.randn(N_MELS, n_frames) * 0.5 + 0.1 * code
                name = f"03-01-{code:02d}-01-01-{rep:02d}-{actor:02d}.pt"
                torch.save(mel, os.path.join(root, name))


class EmotionClips(Dataset):
    def __init__(self, root):
        self.paths = sorted(os.path.join(root, f) for f in os.listdir(root) if f.endswith(".pt"))

    def __len__(self):
        return len(self.paths)

    def __getitem__(self, idx):
        path = self.paths[idx]
        fields = os.path.basename(path)[:-3].split("-")
        emotion = int(fields[2]) - 1
        return torch.load(path), emotion


def pad_clips(batch):
    mels, emotions = zip(*batch)
    frame_lens = torch.tensor([m.shape[1] for m in mels])
    T = int(frame_lens.max())
    T = ((T + PATCH_FRAMES - 1) // PATCH_FRAMES) * PATCH_FRAMES
    padded = torch.zeros(len(mels), N_MELS, T)
    for i, m in enumerate(mels):
        padded[i, :, : m.shape[1]] = m
    return padded, frame_lens, torch.tensor(emotions)


class PatchEmotionNet(nn.Module):
    def __init__(self, n_emotions, d_model=64):
        super().__init__()
        self.patch_proj = nn.Linear(N_MELS * PATCH_FRAMES, d_model)
        layer = nn.TransformerEncoderLayer(d_model, nhead=4, dim_feedforward=128, batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, num_layers=2)
        self.classifier = nn.Linear(d_model, n_emotions)

    def forward(self, mel, frame_lens):
        B, M, T = mel.shape
        patches = mel.reshape(B, M, T // PATCH_FRAMES, PATCH_FRAMES)
        patches = patches.permute(0, 2, 1, 3).reshape(B, T // PATCH_FRAMES, M * PATCH_FRAMES)
        x = self.patch_proj(patches)
        n_patches = (frame_lens + PATCH_FRAMES - 1) // PATCH_FRAMES
        pad = torch.arange(x.shape[1])[None, :] >= n_patches[:, None]
        x = self.encoder(x, src_key_padding_mask=pad)
        keep = (~pad).unsqueeze(-1).float()
        pooled = (x * keep).sum(1) / keep.sum(1)
        return self.classifier(pooled)


def main():
    root = tempfile.mkdtemp(prefix="ser_feats_")
    dump_features(root)
    clips = EmotionClips(root)
    loader = DataLoader(clips, batch_size=8, shuffle=True, collate_fn=pad_clips,
                        generator=torch.Generator().manual_seed(1))

    model = PatchEmotionNet(n_emotions=len(EMOTION_NAMES))
    opt = torch.optim.AdamW(model.parameters(), lr=1e-3, weight_decay=0.01)
    print(f"{len(clips)} clips, {len(EMOTION_NAMES)} emotions")

    for epoch in range(1):
        total, correct, running = 0, 0, 0.0
        for mel, frame_lens, emotions in loader:
            logits = model(mel, frame_lens)
            loss = F.cross_entropy(logits, emotions)
            opt.zero_grad()
            loss.backward()
            opt.step()
            running += loss.item() * len(emotions)
            correct += (logits.argmax(-1) == emotions).sum().item()
            total += len(emotions)
        print(f"epoch {epoch}  loss {running / total:.3f}  acc {correct / total:.3f}")

    model.eval()
    mel, frame_lens, emotions = pad_clips([clips[i] for i in range(4)])
    with torch.no_grad():
        pred = model(mel, frame_lens).argmax(-1)
    for p, e in zip(pred.tolist(), emotions.tolist()):
        print("pred", p, "true", e)


if __name__ == "__main__":
    main()
