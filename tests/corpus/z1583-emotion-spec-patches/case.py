"""Speech emotion recognition with a small patch transformer over log-mel spectrograms.

Utterances are padded along time to a multiple of the patch size, cut into 16x16
(freq x time) patches, linearly embedded, and encoded with a TransformerEncoder.
Padded time patches are masked out of attention and out of the utterance pooling.
"""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(5)

EMOTIONS = ["neutral", "happy", "sad", "angry", "fearful"]
N_MELS = 64
PATCH = 16


def synth_utterance(n_frames, emotion):
    t = torch.linspace(0, 1, n_frames)
    pitch_band = 8 + 6 * emotion
    spec = 0.2 * torch.randn(N_MELS, n_frames)
    spec[pitch_band : pitch_band + 6] += (1.0 + 0.5 * torch.sin(2 * math.pi * (emotion + 1) * t)).unsqueeze(0)
    return spec


def pad_utterances(utts):
    frame_lengths = torch.tensor([u.shape[1] for u in utts])
    longest = int(frame_lengths.max())
    padded_frames = math.ceil(longest / PATCH) * PATCH
    batch = torch.stack([F.pad(u, (0, padded_frames - u.shape[1])) for u in utts])
    return batch, frame_lengths


def spec_to_patches(spec):
    batch = spec.shape[0]
    tiles = spec.unfold(1, PATCH, PATCH).unfold(2, PATCH, PATCH)
    n_freq_tiles, n_time_tiles = tiles.shape[1], tiles.shape[2]
    flat = tiles.view(batch, n_freq_tiles * n_time_tiles, PATCH * PATCH)
    return flat, n_freq_tiles, n_time_tiles


def patch_padding_mask(frame_lengths, n_freq_tiles, n_time_tiles):
    valid_time_tiles = torch.div(frame_lengths + PATCH - 1, PATCH, rounding_mode="floor")
    time_idx = torch.arange(n_time_tiles).unsqueeze(0)
    pad_time = time_idx >= valid_time_tiles.unsqueeze(1)
    return pad_time.unsqueeze(1).expand(-1, n_freq_tiles, -1).reshape(frame_lengths.shape[0], -1)


class PatchEmotionNet(nn.Module):
    def __init__(self, n_classes, d_model=48, max_patches=256):
        super().__init__()
        self.embed = nn.Linear(PATCH * PATCH, d_model)
        self.pos = nn.Parameter(torch.zeros(1, max_patches, d_model))
        layer = nn.TransformerEncoderLayer(d_model, nhead=4, dim_feedforward=96, batch_first=True, dropout=0.1)
        self.encoder = nn.TransformerEncoder(layer, num_layers=2, enable_nested_tensor=False)
        self.cls = nn.Linear(d_model, n_classes)

    def forward(self, spec, frame_lengths):
        patches, n_f, n_t = spec_to_patches(spec)
        pad_mask = patch_padding_mask(frame_lengths, n_f, n_t)
        tokens = self.embed(patches) + self.pos[:, : patches.shape[1]]
        enc = self.encoder(tokens, src_key_padding_mask=pad_mask)
        keep = (~pad_mask).unsqueeze(-1).float()
        utt = (enc * keep).sum(1) / keep.sum(1)
        return self.cls(utt)


def make_split(n):
    utts, labels = [], []
    for _ in range(n):
        emo = int(torch.randint(len(EMOTIONS), ()).item())
        frames = int(torch.randint(90, 200, ()).item())
        utts.append(synth_utterance(frames, emo))
        labels.append(emo)
    return utts, torch.tensor(labels)


def main():
    utts, emotion_ids = make_split(24)
    model = PatchEmotionNet(len(EMOTIONS))
    opt = torch.optim.AdamW(model.parameters(), lr=1e-3, weight_decay=0.01)
    for epoch in range(3):
        model.train()
        total, correct = 0.0, 0
        for s in range(0, len(utts), 6):
            spec, frame_lengths = pad_utterances(utts[s : s + 6])
            y = emotion_ids[s : s + 6]
            logits = model(spec, frame_lengths)
            loss = F.cross_entropy(logits, y)
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item() * len(y)
            correct += (logits.argmax(-1) == y).sum().item()
        print(f"epoch {epoch}: loss {total / len(utts):.3f} acc {correct / len(utts):.2f}")


if __name__ == "__main__":
    main()
