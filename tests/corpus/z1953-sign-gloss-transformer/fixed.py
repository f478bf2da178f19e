"""Isolated sign-language recognition: classify a signing clip into one gloss.

Frames go through a tiny CNN, the per-frame vectors are fed to a small BERT encoder
as inputs_embeds, and the [CLS]-style pooled output is classified into a gloss.
"""
import torch
import torch.nn as nn
from transformers import BertConfig, BertModel

torch.manual_seed(1)

GLOSSES = ["HELLO", "THANK-YOU", "PLEASE", "SORRY", "HELP", "WATER", "EAT", "FRIEND"]
FPS = 25
FRAME_STRIDE = 2          # 12.5 effective fps is enough for hand motion
MAX_STEPS = 64            # position table size of the temporal encoder
CROP = 28


def record_signer(num_frames, gloss_id):
    # stand-in for decoded frames of a signer crop
    clip = torch.rand(num_frames, 3, CROP, CROP) * 0.5
    clip[:, gloss_id % 3] += 0.3
    return clip


def subsample(clip, stride=FRAME_STRIDE):
    clip = clip[::stride]
    if clip.shape[0] > MAX_STEPS:
        keep = torch.linspace(0, clip.shape[0] - 1, MAX_STEPS).round().long()
        clip = clip[keep]
    return clip


def make_batch(samples):
    sampled = [subsample(clip) for clip, _ in samples]
    steps = max(c.shape[0] for c in sampled)
    frames = torch.zeros(len(sampled), steps, 3, CROP, CROP)
    valid = torch.zeros(len(sampled), steps, dtype=torch.long)
    for i, c in enumerate(sampled):
        frames[i, : c.shape[0]] = c
        valid[i, : c.shape[0]] = 1
    glosses = torch.tensor([g for _, g in samples])
    return frames, valid, glosses


class HandShapeCNN(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.net = nn.Sequential(
            nn.Conv2d(3, 12, 5, stride=2, padding=2), nn.GELU(),
            nn.Conv2d(12, 24, 3, stride=2, padding=1), nn.GELU(),
            nn.AdaptiveAvgPool2d(1), nn.Flatten(),
            nn.Linear(24, dim),
        )

    def forward(self, frames):
        b, t = frames.shape[:2]
        return self.net(frames.reshape(b * t, *frames.shape[2:])).reshape(b, t, -1)


class GlossClassifier(nn.Module):
    def __init__(self, num_glosses):
        super().__init__()
        cfg = BertConfig(
            vocab_size=4, hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
            intermediate_size=64, max_position_embeddings=MAX_STEPS,
        )
        self.cnn = HandShapeCNN(cfg.hidden_size)
        self.temporal = BertModel(cfg, add_pooling_layer=True)
        self.out = nn.Linear(cfg.hidden_size, num_glosses)

    def forward(self, frames, valid):
        per_frame = self.cnn(frames)
        enc = self.temporal(inputs_embeds=per_frame, attention_mask=valid)
        return self.out(enc.pooler_output)


def main():
    # clip durations in seconds, as cut from the annotated recordings
    durations = [2.4, 3.1, 1.8, 4.2, 2.7, 6.0, 3.5, 2.2]
    samples = []
    for k, sec in enumerate(durations):
        gid = k % len(GLOSSES)
        samples.append((record_signer(int(sec * FPS), gid), gid))

    model = GlossClassifier(len(GLOSSES))
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = nn.CrossEntropyLoss()

    for epoch in range(2):
        total = 0.0
        for i in range(0, len(samples), 4):
            frames, valid, glosses = make_batch(samples[i:i + 4])
            logits = model(frames, valid)
            loss = loss_fn(logits, glosses)
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item()
        print(f"epoch {epoch} loss {total:.3f}")

    model.eval()
    with torch.no_grad():
        frames, valid, glosses = make_batch(samples[:4])
        pred = model(frames, valid).argmax(-1)
        print("pred:", [GLOSSES[p] for p in pred.tolist()])
        print("gold:", [GLOSSES[g] for g in glosses.tolist()])


if __name__ == "__main__":
    main()
