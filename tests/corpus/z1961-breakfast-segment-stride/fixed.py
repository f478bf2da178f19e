"""Temporal action segmentation for breakfast-preparation videos.

A tiny CNN embeds key frames, a stack of dilated temporal convolutions
(MS-TCN style, single stage) predicts an action for every key frame.
"""
import random

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.nn.utils.rnn import pad_sequence
from torch.utils.data import DataLoader, Dataset

random.seed(11)
torch.manual_seed(11)

ACTIONS = ["SIL", "take_bowl", "pour_cereals", "pour_milk", "stir_cereals",
           "take_cup", "pour_coffee", "spoon_sugar"]
KEYFRAME_STRIDE = 4
FRAME_HW = 32
IGNORE = -100


def synth_recording(n_frames):
    video = torch.rand(n_frames, 3, FRAME_HW, FRAME_HW)
    labels = torch.empty(n_frames, dtype=torch.long)
    pos = 0
    while pos < n_frames:
        seg = random.randint(8, 30)
        labels[pos:pos + seg] = random.randrange(len(ACTIONS))
        pos += seg
    return video, labels


class BreakfastClips(Dataset):
    def __init__(self, n_videos):
        self.recordings = [synth_recording(random.randint(60, 140)) for _ in range(n_videos)]

    def __len__(self):
        return len(self.recordings)

    def __getitem__(self, i):
        video, frame_actions = self.recordings[i]
        keyframes = video[::KEYFRAME_STRIDE]
        return {"keyframes": keyframes, "actions": frame_actions[::KEYFRAME_STRIDE]}


def pad_recordings(batch):
    keyframes = pad_sequence([b["keyframes"] for b in batch], batch_first=True)
    actions = pad_sequence([b["actions"] for b in batch], batch_first=True,
                           padding_value=IGNORE)
    return keyframes, actions


class DilatedResidual(nn.Module):
    def __init__(self, dilation, ch):
        super().__init__()
        self.conv = nn.Conv1d(ch, ch, 3, padding=dilation, dilation=dilation)
        self.mix = nn.Conv1d(ch, ch, 1)
        self.drop = nn.Dropout(0.2)

    def forward(self, x):
        return x + self.drop(self.mix(F.relu(self.conv(x))))


class Segmenter(nn.Module):
    def __init__(self, n_actions, ch=32, n_layers=5):
        super().__init__()
        self.cnn = nn.Sequential(
            nn.Conv2d(3, 16, 5, stride=2, padding=2), nn.ReLU(),
            nn.Conv2d(16, ch, 3, stride=2, padding=1), nn.ReLU(),
            nn.AdaptiveAvgPool2d(1), nn.Flatten(),
        )
        self.tcn = nn.Sequential(*[DilatedResidual(2 ** i, ch) for i in range(n_layers)])
        self.out = nn.Conv1d(ch, n_actions, 1)

    def forward(self, keyframes):
        n, t = keyframes.shape[:2]
        emb = self.cnn(keyframes.reshape(n * t, *keyframes.shape[2:])).view(n, t, -1)
        h = self.tcn(emb.transpose(1, 2))
        return self.out(h).transpose(1, 2)


def smoothing_loss(logits):
    logp = F.log_softmax(logits, dim=-1)
    diff = (logp[:, 1:] - logp[:, :-1].detach()) ** 2
    return diff.clamp(max=16).mean()


def main():
    train_set = BreakfastClips(10)
    loader = DataLoader(train_set, batch_size=3, shuffle=True, collate_fn=pad_recordings)
    model = Segmenter(len(ACTIONS))
    opt = torch.optim.Adam(model.parameters(), lr=5e-4)

    for epoch in range(3):
        model.train()
        running = 0.0
        for keyframes, actions in loader:
            logits = model(keyframes)
            ce = F.cross_entropy(logits.reshape(-1, len(ACTIONS)), actions.reshape(-1),
                                 ignore_index=IGNORE)
            loss = ce + 0.15 * smoothing_loss(logits)
            opt.zero_grad()
            loss.backward()
            opt.step()
            running += loss.item()
        print(f"epoch {epoch} loss {running / len(loader):.4f}")

    model.eval()
    with torch.no_grad():
        keyframes, actions = pad_recordings([train_set[0]])
        pred = model(keyframes).argmax(-1)[0]
        valid = actions[0] != IGNORE
        acc = (pred[valid] == actions[0][valid]).float().mean().item()
    print(f"frame accuracy on video 0: {acc:.3f}")
    print("first predicted actions:", [ACTIONS[a] for a in pred[:8].tolist()])


if __name__ == "__main__":
    main()
