"""Suspicious-behaviour detection from three synchronized in-store cameras.

Each camera records a clip at its own frame rate, so clips have different frame
counts. A fixed number of frames is sampled from every camera, a tiny CNN embeds
each frame, and all views are concatenated into one sequence for a small BERT
encoder. The segment embedding (token_type_ids) tells the encoder which camera
each frame came from; the [CLS] slot is a learned vector that carries view 0.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F
from transformers import BertConfig, BertModel

torch.manual_seed(0)

CAMERAS = ["entrance", "aisle", "checkout"]
CAM_FPS = {"entrance": 10, "aisle": 15, "checkout": 12}
CLIP_SECONDS = 4
FRAMES_PER_CAM = 8
IMG = 24
LABELS = ["normal", "suspicious"]


def record_event():
    views = {}
    for cam in CAMERAS:
        n = CAM_FPS[cam] * CLIP_SECONDS + int(torch.randint(-3, 4, ()).item())
        views[cam] = torch.rand(n, 3, IMG, IMG)
    return views, int(torch.randint(0, len(LABELS), ()).item())


def sample_uniform(clip, k):
    pos = torch.linspace(0, clip.shape[0] - 1, steps=k).round().long()
    return clip[pos]


class FrameEmbed(nn.Module):
    def __init__(self, hidden):
        super().__init__()
        self.cnn = nn.Sequential(
            nn.Conv2d(3, 16, 3, stride=2, padding=1), nn.ReLU(),
            nn.Conv2d(16, 32, 3, stride=2, padding=1), nn.ReLU(),
            nn.AdaptiveAvgPool2d(1), nn.Flatten(),
        )
        self.fc = nn.Linear(32, hidden)

    def forward(self, x):
        return self.fc(self.cnn(x))


class MultiViewClassifier(nn.Module):
    def __init__(self, config, n_labels):
        super().__init__()
        self.frame_embed = FrameEmbed(config.hidden_size)
        self.cls_vec = nn.Parameter(torch.zeros(1, 1, config.hidden_size))
        self.encoder = BertModel(config, add_pooling_layer=False)
        self.head = nn.Linear(config.hidden_size, n_labels)

    def forward(self, view_frames, view_ids, frame_mask):
        b, t = view_ids.shape
        emb = self.frame_embed(view_frames.flatten(0, 1)).view(b, t, -1)
        emb = torch.cat([self.cls_vec.expand(b, -1, -1), emb], dim=1)
        seg = torch.cat([torch.zeros(b, 1, dtype=torch.long), view_ids], dim=1)
        mask = torch.cat([torch.ones(b, 1, dtype=torch.long), frame_mask], dim=1)
        out = self.encoder(inputs_embeds=emb, token_type_ids=seg, attention_mask=mask)
        return self.head(out.last_hidden_state[:, 0])


def build_batch(events):
    frames, views, labels = [], [], []
    for cams, label in events:
        per_cam = [sample_uniform(cams[c], FRAMES_PER_CAM) for c in CAMERAS]
        frames.append(torch.cat(per_cam, dim=0))
        views.append(torch.arange(len(CAMERAS)).repeat_interleave(FRAMES_PER_CAM))
        labels.append(label)
    frames = torch.stack(frames)
    views = torch.stack(views)
    mask = torch.ones_like(views)
    return frames, views, mask, torch.tensor(labels)


seq_len = 1 + len(CAMERAS) * FRAMES_PER_CAM
config = BertConfig(
    vocab_size=8,
    hidden_size=32,
    num_hidden_layers=1,
    num_attention_heads=2,
    intermediate_size=64,
    max_position_embeddings=seq_len,
)
model = MultiViewClassifier(config, len(LABELS))
optim = torch.optim.AdamW(model.parameters(), lr=3e-4)

events = [record_event() for _ in range(12)]
batches = [events[i:i + 4] for i in range(0, len(events), 4)]

model.train()
for epoch in range(2):
    for step, chunk in enumerate(batches):
        frames, views, mask, labels = build_batch(chunk)
        logits = model(frames, views, mask)
        loss = F.cross_entropy(logits, labels)
        optim.zero_grad()
        loss.backward()
        optim.step()
        print(f"epoch {epoch} step {step}: loss {loss.item():.4f}")

model.eval()
with torch.no_grad():
    frames, views, mask, labels = build_batch(events[:4])
    pred = model(frames, views, mask).argmax(-1)
print("pred:", [LABELS[i] for i in pred.tolist()])
print("true:", [LABELS[i] for i in labels.tolist()])
