import random
from collections import defaultdict

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import Dataset, DataLoader, Sampler
from transformers import BertConfig, BertModel

random.seed(3)
np.random.seed(3)
torch.manual_seed(3)

FRAMES_PER_VIEW = 6
STRIDE = 3
H = W = 28
ACTIONS = ["reach", "grasp", "lift", "place", "release"]


def synth_recordings(n_sessions, rng):
    cams = ["cam_front", "cam_left", "cam_right", "cam_top"]
    records = []
    for sid in range(n_sessions):
        n_frames = int(rng.integers(40, 80))
        label = int(rng.integers(len(ACTIONS)))
        used = rng.choice(cams, size=int(rng.integers(2, 5)), replace=False)
        for cam in used:
            frames = rng.standard_normal((n_frames, 3, H, W)).astype(np.float32) + 0.1 * label
            records.append({"session": sid, "camera": str(cam), "frames": frames, "label": label})
    return records


class MultiViewClips(Dataset):
    def __init__(self, records, cam2id, frames_per_view, stride):
        by_session = defaultdict(list)
        for r in records:
            by_session[r["session"]].append(r)
        self.sessions = [sorted(v, key=lambda r: r["camera"]) for _, v in sorted(by_session.items())]
        self.cam2id = cam2id
        self.t = frames_per_view
        self.stride = stride

    def __len__(self):
        return len(self.sessions)

    def __getitem__(self, i):
        views = self.sessions[i]
        n = min(v["frames"].shape[0] for v in views)
        start = random.randint(0, n - self.t * self.stride)
        idx = np.arange(start, start + self.t * self.stride, self.stride)
        clips = torch.stack([torch.from_numpy(v["frames"][idx]) for v in views])
        view_ids = torch.tensor([self.cam2id[v["camera"]] for v in views])
        return clips, view_ids, views[0]["label"]


class NumViewsBatchSampler(Sampler):
    """Groups sessions with the same number of cameras so clips stack without padding."""

    def __init__(self, dataset, batch_size):
        self.groups = defaultdict(list)
        for i, s in enumerate(dataset.sessions):
            self.groups[len(s)].append(i)
        self.batch_size = batch_size

    def __iter__(self):
        batches = []
        for idxs in self.groups.values():
            idxs = idxs[:]
            random.shuffle(idxs)
            batches += [idxs[k:k + self.batch_size] for k in range(0, len(idxs), self.batch_size)]
        random.shuffle(batches)
        yield from batches

    def __len__(self):
        return sum((len(v) + self.batch_size - 1) // self.batch_size for v in self.groups.values())


def collate(items):
    clips, view_ids, labels = zip(*items)
    return torch.stack(clips), torch.stack(view_ids), torch.tensor(labels)


class FrameTokenizer(nn.Module):
    def __init__(self, hidden):
        super().__init__()
        self.conv = nn.Sequential(
            nn.Conv2d(3, 16, 5, stride=2, padding=2), nn.GELU(),
            nn.Conv2d(16, hidden, 3, stride=2, padding=1), nn.GELU(),
            nn.AdaptiveAvgPool2d(1), nn.Flatten(),
        )

    def forward(self, frames):
        lead = frames.shape[:-3]
        return self.conv(frames.reshape(-1, *frames.shape[-3:])).reshape(*lead, -1)


class MultiViewActionModel(nn.Module):
    def __init__(self, bert_cfg, n_classes):
        super().__init__()
        self.frames = FrameTokenizer(bert_cfg.hidden_size)
        self.cls = nn.Parameter(torch.zeros(1, 1, bert_cfg.hidden_size))
        self.bert = BertModel(bert_cfg, add_pooling_layer=False)
        self.head = nn.Linear(bert_cfg.hidden_size, n_classes)

    def forward(self, clips, view_ids):
        b, v, t = clips.shape[:3]
        tok = self.frames(clips).reshape(b, v * t, -1)
        tok = torch.cat([self.cls.expand(b, -1, -1), tok], dim=1)
        type_ids = view_ids[:, :, None].expand(b, v, t).reshape(b, v * t)
        type_ids = torch.cat([torch.zeros(b, 1, dtype=torch.long), type_ids], dim=1)
        out = self.bert(inputs_embeds=tok, token_type_ids=type_ids,
                        attention_mask=torch.ones(b, v * t + 1, dtype=torch.long))
        return self.head(out.last_hidden_state[:, 0])


def main():
    rng = np.random.default_rng(3)
    records = synth_recordings(24, rng)
    cameras = sorted({r["camera"] for r in records})
    cam2id = {c: i + 1 for i, c in enumerate(cameras)}

    cfg = BertConfig(
        vocab_size=8,
        hidden_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=64,
        type_vocab_size=len(cam2id) + 1,
    )
    ds = MultiViewClips(records, cam2id, FRAMES_PER_VIEW, STRIDE)
    loader = DataLoader(ds, batch_sampler=NumViewsBatchSampler(ds, 4), collate_fn=collate)
    model = MultiViewActionModel(cfg, len(ACTIONS))
    optim = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = nn.CrossEntropyLoss()

    for epoch in range(2):
        correct = total = 0
        for clips, view_ids, labels in loader:
            logits = model(clips, view_ids)
            loss = loss_fn(logits, labels)
            optim.zero_grad()
            loss.backward()
            optim.step()
            correct += (logits.argmax(1) == labels).sum().item()
            total += labels.numel()
        print(f"epoch {epoch} loss {loss.item():.3f} clip acc {correct / total:.2f}")


if __name__ == "__main__":
    main()
