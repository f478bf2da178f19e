"""Isolated sign recognition from hand + upper-body keypoints with a tiny BERT over frames.

Each clip is resampled to a fixed number of frames, embedded per frame and fed to BertModel via
inputs_embeds, with a learned [CLS] frame used for classification.
"""
from dataclasses import dataclass
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from transformers import BertConfig, BertModel

CONFIG = {
    "seed": 11,
    "n_glosses": 5,
    "n_clips": 40,
    "body_joints": 9,
    "hand_joints": 21,
    "max_frames": 64,
    "hidden": 32,
    "heads": 2,
    "layers": 1,
    "batch_size": 8,
    "lr": 5e-4,
    "epochs": 2,
}

N_JOINTS = CONFIG["body_joints"] + 2 * CONFIG["hand_joints"]


@dataclass
class SignClip:
    keypoints: np.ndarray
    gloss_id: int
    signer: str


def synth_clip(rng, gloss_id):
    n_frames = int(rng.integers(30, 140))
    t = np.linspace(0.0, 1.0, n_frames)[:, None, None]
    rest = rng.normal(0.0, 0.1, size=(1, N_JOINTS, 2))
    trajectory = np.sin(2 * np.pi * (gloss_id + 1) * t) * 0.3
    xy = rest + trajectory + rng.normal(0.0, 0.01, size=(n_frames, N_JOINTS, 2))
    conf = rng.uniform(0.5, 1.0, size=(n_frames, N_JOINTS, 1))
    return np.concatenate([xy, conf], axis=-1).astype(np.float32)


def resample_frames(kp, target):
    src = np.linspace(0.0, kp.shape[0] - 1, target)
    lo = np.floor(src).astype(int)
    hi = np.minimum(lo + 1, kp.shape[0] - 1)
    w = (src - lo)[:, None, None].astype(np.float32)
    return kp[lo] * (1.0 - w) + kp[hi] * w


def normalise_by_shoulders(kp):
    shoulders = kp[:, [1, 2], :2]
    centre = shoulders.mean(axis=1, keepdims=True)
    width = np.linalg.norm(shoulders[:, 0] - shoulders[:, 1], axis=-1).mean() + 1e-6
    out = kp.copy()
    out[..., :2] = (kp[..., :2] - centre) / width
    return out


def build_corpus(cfg):
    rng = np.random.default_rng(cfg["seed"])
    signers = ["s01", "s02", "s03", "s04"]
    return [SignClip(synth_clip(rng, g), g, signers[i % len(signers)])
            for i, g in enumerate(rng.integers(0, cfg["n_glosses"], size=cfg["n_clips"]))]


def iterate_batches(clips, cfg, rng):
    order = rng.permutation(len(clips))
    for start in range(0, len(order), cfg["batch_size"]):
        chunk = [clips[i] for i in order[start:start + cfg["batch_size"]]]
        frames = np.stack([resample_frames(normalise_by_shoulders(c.keypoints), cfg["max_frames"])
                           for c in chunk])
        yield torch.from_numpy(frames), torch.tensor([c.gloss_id for c in chunk])


class FrameBert(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        bert_cfg = BertConfig(
            vocab_size=4,
            hidden_size=cfg["hidden"],
            num_hidden_layers=cfg["layers"],
            num_attention_heads=cfg["heads"],
            intermediate_size=2 * cfg["hidden"],
            max_position_embeddings=cfg["max_frames"],
            hidden_dropout_prob=0.1,
        )
        self.frame_embed = nn.Sequential(
            nn.Linear(N_JOINTS * 3, 2 * cfg["hidden"]), nn.GELU(), nn.Linear(2 * cfg["hidden"], cfg["hidden"])
        )
        self.cls_frame = nn.Parameter(torch.zeros(1, 1, cfg["hidden"]))
        self.bert = BertModel(bert_cfg, add_pooling_layer=False)
        self.classifier = nn.Linear(cfg["hidden"], cfg["n_glosses"])

    def forward(self, frames):
        B, T = frames.shape[:2]
        emb = self.frame_embed(frames.reshape(B, T, -1))
        emb = torch.cat([self.cls_frame.expand(B, -1, -1), emb], dim=1)
        attn = torch.ones(emb.shape[:2], dtype=torch.long)
        out = self.bert(inputs_embeds=emb, attention_mask=attn)
        return self.classifier(out.last_hidden_state[:, 0])


def run(cfg):
    torch.manual_seed(cfg["seed"])
    rng = np.random.default_rng(cfg["seed"] + 1)
    clips = build_corpus(cfg)
    model = FrameBert(cfg)
    opt = torch.optim.Adam(model.parameters(), lr=cfg["lr"])
    for epoch in range(cfg["epochs"]):
        model.train()
        losses = []
        for frames, gloss in iterate_batches(clips, cfg, rng):
            logits = model(frames)
            loss = F.cross_entropy(logits, gloss)
            opt.zero_grad()
            loss.backward()
            opt.step()
            losses.append(loss.item())
        print(f"epoch {epoch} mean loss {np.mean(losses):.4f}")


if __name__ == "__main__":
    run(CONFIG)
