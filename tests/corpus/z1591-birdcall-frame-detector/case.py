"""Bird-call activity detection on field recordings.

Log-mel spectrogram patches (64 mel bins x 256 frames) go through a strided
Conv1d front end; a per-frame head predicts which species is calling in
each output frame (multi-label), and the clip label is the max over frames.
"""
import os
import tempfile

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(11)

SPECIES = ["chiffchaff", "wren", "blackbird", "robin", "great_tit"]
N_MELS = 64
PATCH_FRAMES = 256
HOP_DOWN = 2


def make_patches(root, n_patches):
    """Write synthetic spectrogram patches + frame annotations to disk."""
    paths = []
    for k in range(n_patches):
        spec = torch.randn(N_MELS, PATCH_FRAMES) * 0.3
        frame_tags = torch.zeros(PATCH_FRAMES, len(SPECIES))
        for _ in range(torch.randint(1, 4, (1,)).item()):
            sp = torch.randint(0, len(SPECIES), (1,)).item()
            onset = torch.randint(0, PATCH_FRAMES - 40, (1,)).item()
            dur = torch.randint(10, 40, (1,)).item()
            band = 8 + sp * 10
            spec[band:band + 6, onset:onset + dur] += 2.0
            frame_tags[onset:onset + dur, sp] = 1.0
        path = os.path.join(root, f"patch_{k:03d}.pt")
        torch.save({"logmel": spec, "tags": frame_tags}, path)
        paths.append(path)
    return paths


def load_batch(paths):
    items = [torch.load(p) for p in paths]
    logmel = torch.stack([it["logmel"] for it in items])          # (B, mels, frames)
    tags = torch.stack([it["tags"] for it in items])              # (B, frames, species)
    # labels at the front end's output frame rate
    tags = tags.view(tags.size(0), PATCH_FRAMES // HOP_DOWN, HOP_DOWN, -1).amax(dim=2)
    return logmel, tags


class CallDetector(nn.Module):
    def __init__(self, n_mels=N_MELS, channels=96, n_species=len(SPECIES)):
        super().__init__()
        self.channels = channels
        self.frontend = nn.Sequential(
            nn.Conv1d(n_mels, channels, kernel_size=5, padding=2),
            nn.BatchNorm1d(channels),
            nn.ReLU(),
            nn.Conv1d(channels, channels, kernel_size=4, stride=HOP_DOWN, padding=1),
            nn.BatchNorm1d(channels),
            nn.ReLU(),
        )
        self.frame_head = nn.Sequential(
            nn.Linear(channels, channels // 2), nn.ReLU(), nn.Linear(channels // 2, n_species)
        )

    def forward(self, logmel):
        conv_out = self.frontend(logmel)                   # (B, C, T')
        batch, _, n_frames = conv_out.shape
        frame_feats = conv_out.transpose(1, 2).view(-1, self.channels)
        frame_logits = self.frame_head(frame_feats).view(batch, n_frames, -1)
        clip_logits = frame_logits.amax(dim=1)
        return frame_logits, clip_logits


def main():
    with tempfile.TemporaryDirectory() as root:
        train_paths = make_patches(root, 40)
        model = CallDetector()
        optim = torch.optim.Adam(model.parameters(), lr=1e-3)
        batch_size = 8

        for epoch in range(3):
            model.train()
            perm = torch.randperm(len(train_paths)).tolist()
            epoch_loss = 0.0
            for i in range(0, len(perm), batch_size):
                logmel, frame_tags = load_batch([train_paths[j] for j in perm[i:i + batch_size]])
                frame_logits, clip_logits = model(logmel)
                clip_tags = frame_tags.amax(dim=1)
                loss = F.binary_cross_entropy_with_logits(frame_logits, frame_tags)
                loss = loss + 0.5 * F.binary_cross_entropy_with_logits(clip_logits, clip_tags)
                optim.zero_grad()
                loss.backward()
                optim.step()
                epoch_loss += loss.item()

            model.eval()
            with torch.no_grad():
                logmel, frame_tags = load_batch(train_paths[:8])
                frame_logits, _ = model(logmel)
                pred = (frame_logits.sigmoid() > 0.5).float()
                frame_f1 = (2 * (pred * frame_tags).sum() / (pred.sum() + frame_tags.sum() + 1e-6)).item()
            print(f"epoch {epoch}: loss {epoch_loss:.3f}  frame F1 {frame_f1:.3f}")


if __name__ == "__main__":
    main()
