"""Isolated sign recognition: hand+body keypoints -> small BERT encoder over frames.

Keypoint clips (frames x joints x 2) are flattened per frame, projected to the
encoder width and fed as inputs_embeds; padded frames are masked out.
"""
from dataclasses import dataclass
import numpy as np
import torch
import torch.nn as nn
from torch.nn.utils.rnn import pad_sequence
from transformers import BertConfig, BertModel

CONFIG = {
    "seed": 3,
    "num_joints": 21 * 2 + 9,
    "coords": 2,
    "num_signs": 6,
    "clip_len_range": (20, 56),
    "max_frames": 64,
    "hidden": 32,
    "layers": 1,
    "heads": 2,
    "batch_size": 6,
    "num_clips": 36,
    "epochs": 2,
    "lr": 5e-4,
}


@dataclass
class SignClip:
    keypoints: np.ndarray
    sign_id: int
    signer: str


def synth_clips(cfg):
    rng = np.random.default_rng(cfg["seed"])
    lo, hi = cfg["clip_len_range"]
    out = []
    for i in range(cfg["num_clips"]):
        n = int(rng.integers(lo, hi))
        sign = int(rng.integers(cfg["num_signs"]))
        phase = np.linspace(0, 1, n)[:, None, None]
        traj = np.cos(2 * np.pi * phase * (1 + sign)) * 0.2
        kp = rng.uniform(0, 1, size=(1, cfg["num_joints"], cfg["coords"])) + traj
        kp += rng.normal(scale=0.01, size=(n, cfg["num_joints"], cfg["coords"]))
        out.append(SignClip(kp.astype(np.float32), sign, f"signer{i % 4}"))
    return out


def normalize_frames(kp):
    wrist_ref = kp[:, :1, :]
    scale = np.linalg.norm(kp.std(axis=(0, 1))) + 1e-6
    return (kp - wrist_ref) / scale


def frame_mask(lengths, max_frames):
    steps = torch.arange(max_frames)[None, :]
    return (steps < lengths[:, None]).long()


def batches(clips, cfg, shuffle=True):
    order = np.random.permutation(len(clips)) if shuffle else np.arange(len(clips))
    for start in range(0, len(order), cfg["batch_size"]):
        chunk = [clips[i] for i in order[start:start + cfg["batch_size"]]]
        seqs = [torch.from_numpy(normalize_frames(c.keypoints)).flatten(1) for c in chunk]
        lengths = torch.tensor([s.shape[0] for s in seqs])
        yield {
            "frames": pad_sequence(seqs, batch_first=True),
            "attention_mask": frame_mask(lengths, cfg["max_frames"]),
            "labels": torch.tensor([c.sign_id for c in chunk]),
        }


class SignEncoder(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        bert_cfg = BertConfig(
            vocab_size=8,
            hidden_size=cfg["hidden"],
            num_hidden_layers=cfg["layers"],
            num_attention_heads=cfg["heads"],
            intermediate_size=cfg["hidden"] * 2,
            max_position_embeddings=cfg["max_frames"],
        )
        self.proj = nn.Linear(cfg["num_joints"] * cfg["coords"], cfg["hidden"])
        self.encoder = BertModel(bert_cfg, add_pooling_layer=False)
        self.classifier = nn.Linear(cfg["hidden"], cfg["num_signs"])

    def forward(self, frames, attention_mask):
        emb = self.proj(frames)
        hidden = self.encoder(inputs_embeds=emb, attention_mask=attention_mask).last_hidden_state
        m = attention_mask.unsqueeze(-1).float()
        pooled = (hidden * m).sum(1) / m.sum(1).clamp(min=1.0)
        return self.classifier(pooled)


def run_training(cfg):
    torch.manual_seed(cfg["seed"])
    np.random.seed(cfg["seed"])
    clips = synth_clips(cfg)
    model = SignEncoder(cfg)
    opt = torch.optim.AdamW(model.parameters(), lr=cfg["lr"])
    loss_fn = nn.CrossEntropyLoss()
    for epoch in range(cfg["epochs"]):
        model.train()
        losses = []
        for batch in batches(clips, cfg):
            logits = model(batch["frames"], batch["attention_mask"])
            loss = loss_fn(logits, batch["labels"])
            opt.zero_grad()
            loss.backward()
            opt.step()
            losses.append(loss.item())
        print(f"epoch {epoch} mean loss {np.mean(losses):.4f}")
    return model


if __name__ == "__main__":
    run_training(CONFIG)
