"""Continuous-signing segment classifier: every frame is split into body-part streams
(pose, hands, face), each stream becomes one token, and token_type_ids tell BERT which
stream a token came from.
"""
import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import Dataset, DataLoader
from transformers import BertConfig, BertForSequenceClassification

CONFIG = {
    "seed": 3,
    "n_segments": 36,
    "n_classes": 4,
    "min_len": 12,
    "max_len": 24,
    "hidden": 32,
    "n_streams": 3,
    "max_tokens": 128,
    "batch_size": 6,
    "lr": 1e-3,
    "epochs": 2,
}

BODY_PARTS = {
    "pose": list(range(0, 8)),
    "left_hand": list(range(8, 29)),
    "right_hand": list(range(29, 50)),
    "face": list(range(50, 60)),
}
N_JOINTS = sum(len(v) for v in BODY_PARTS.values())


def fake_segment(rng, label, length):
    phase = rng.uniform(0, np.pi)
    t = np.arange(length)[:, None, None] / length
    anchor = rng.normal(0, 0.2, size=(1, N_JOINTS, 2))
    sway = 0.25 * np.sin(2 * np.pi * (label + 1) * t + phase)
    return (anchor + sway + 0.01 * rng.standard_normal((length, N_JOINTS, 2))).astype(np.float32)


def part_features(frames, joints):
    part = frames[:, joints]
    rel = part - part.mean(axis=1, keepdims=True)
    return np.concatenate([rel.reshape(len(frames), -1), part.mean(axis=1)], axis=-1)


def tokens_per_frame(frames):
    return [part_features(frames, idx) for idx in BODY_PARTS.values()]


class StreamSegments(Dataset):
    def __init__(self, cfg):
        rng = np.random.default_rng(cfg["seed"])
        self.samples = []
        for _ in range(cfg["n_segments"]):
            label = int(rng.integers(cfg["n_classes"]))
            length = int(rng.integers(cfg["min_len"], cfg["max_len"] + 1))
            self.samples.append({"frames": fake_segment(rng, label, length), "label": label})

    def __len__(self):
        return len(self.samples)

    def __getitem__(self, i):
        return self.samples[i]


def collate_streams(batch):
    T = max(s["frames"].shape[0] for s in batch)
    n_parts = len(BODY_PARTS)
    feats = [[] for _ in range(n_parts)]
    mask = torch.zeros(len(batch), T * n_parts, dtype=torch.long)
    for b, s in enumerate(batch):
        L = s["frames"].shape[0]
        for p, f in enumerate(tokens_per_frame(s["frames"])):
            padded = np.zeros((T, f.shape[1]), dtype=np.float32)
            padded[:L] = f
            feats[p].append(padded)
        mask[b, : L * n_parts] = 1
    type_ids = torch.arange(n_parts).repeat(T).unsqueeze(0).expand(len(batch), -1)
    return {
        "streams": [torch.from_numpy(np.stack(f)) for f in feats],
        "attention_mask": mask,
        "token_type_ids": type_ids,
        "labels": torch.tensor([s["label"] for s in batch]),
    }


class StreamEmbedder(nn.Module):
    def __init__(self, hidden):
        super().__init__()
        self.proj = nn.ModuleList(
            nn.Linear(2 * len(j) + 2, hidden) for j in BODY_PARTS.values()
        )

    def forward(self, streams):
        per_part = [proj(x) for proj, x in zip(self.proj, streams)]
        stacked = torch.stack(per_part, dim=2)
        B, T, P, H = stacked.shape
        return stacked.reshape(B, T * P, H)


def build_model(cfg):
    bert_cfg = BertConfig(
        vocab_size=8,
        hidden_size=cfg["hidden"],
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=cfg["max_tokens"],
        type_vocab_size=cfg["n_streams"],
        num_labels=cfg["n_classes"],
    )
    return StreamEmbedder(cfg["hidden"]), BertForSequenceClassification(bert_cfg)


def main(cfg=CONFIG):
    torch.manual_seed(cfg["seed"])
    loader = DataLoader(StreamSegments(cfg), batch_size=cfg["batch_size"],
                        shuffle=True, collate_fn=collate_streams)
    embedder, bert = build_model(cfg)
    params = list(embedder.parameters()) + list(bert.parameters())
    optim = torch.optim.AdamW(params, lr=cfg["lr"], weight_decay=0.01)
    for epoch in range(cfg["epochs"]):
        running = []
        for batch in loader:
            out = bert(
                inputs_embeds=embedder(batch["streams"]),
                attention_mask=batch["attention_mask"],
                token_type_ids=batch["token_type_ids"],
                labels=batch["labels"],
            )
            optim.zero_grad()
            out.loss.backward()
            optim.step()
            running.append(out.loss.item())
        print(f"epoch {epoch}: {np.mean(running):.4f}")


if __name__ == "__main__":
    main()
